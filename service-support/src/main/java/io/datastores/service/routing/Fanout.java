package io.datastores.service.routing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.datastores.service.routing.ReadRoute.Host;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;

/**
 * Listings over every instance of a service ({@link Listing}): the instance asked answers for its
 * partitions and asks each other instance holding active partitions of the store the same request,
 * with the caller's token and {@value #LOCAL_ONLY}, which that instance answers for its partitions
 * alone. An instance that does not answer 200, or partitions moving, make the listing fail
 * ({@link Unavailable}): never an answer silently missing part of the fleet.
 */
@Singleton
public class Fanout {

    /** On a request another instance sends: answer for this instance's partitions only. */
    public static final String LOCAL_ONLY = "X-Dcp-Local-Only";

    private final KeyOwners owners;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    public Fanout(KeyOwners owners) {
        this.owners = owners;
    }

    /** Why a listing cannot be answered whole now (the caller answers 503 with it). */
    public static final class Unavailable extends RuntimeException {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** Whether {@code request} came from another instance, for this one's partitions only. */
    public static boolean localOnly(HttpRequest<?> request) {
        return request.getHeaders().contains(LOCAL_ONLY);
    }

    /**
     * The bodies of the other instances' answers to {@code request} (none when this instance is
     * alone, or the request is itself another instance's); fails with {@link Unavailable}.
     */
    public CompletableFuture<List<byte[]>> others(HttpRequest<?> request, String store) {
        if (localOnly(request)) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<Host> others = owners.otherActiveHolders(store);
        if (others.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        if (owners.rebalancing()) {
            return CompletableFuture.failedFuture(new Unavailable("the partitions of " + store
                    + " are moving between instances; retry shortly"));
        }
        List<CompletableFuture<byte[]>> answers = new ArrayList<>();
        for (Host other : others) {
            answers.add(ask(request, other));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .thenApply(done -> answers.stream().map(CompletableFuture::join).toList());
    }

    private CompletableFuture<byte[]> ask(HttpRequest<?> request, Host other) {
        java.net.http.HttpRequest.Builder out = java.net.http.HttpRequest.newBuilder(
                URI.create("http://" + other.address() + request.getUri())).timeout(Duration.ofSeconds(5))
                .header(LOCAL_ONLY, "true").GET();
        String token = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (token != null) {
            out.header(HttpHeaders.AUTHORIZATION, token);
        }
        return client.sendAsync(out.build(), BodyHandlers.ofByteArray()).handle((in, failed) -> {
            if (failed != null) {
                throw new CompletionException(new Unavailable("instance " + other.address()
                        + " holding part of the listing does not answer (" + failed + "); retry shortly"));
            }
            if (in.statusCode() != 200) {
                throw new CompletionException(new Unavailable("instance " + other.address()
                        + " holding part of the listing answered " + in.statusCode() + ": "
                        + new String(in.body(), java.nio.charset.StandardCharsets.UTF_8)));
            }
            return in.body();
        });
    }

    /** The {@link Unavailable} a failed {@link #others} ended with, or the failure itself. */
    public static Throwable cause(Throwable failed) {
        Throwable t = failed;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
