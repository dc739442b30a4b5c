package io.datastores.service.routing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.reactivestreams.Publisher;

import io.datastores.service.Problem;
import io.datastores.service.routing.ReadRoute.Forward;
import io.datastores.service.routing.ReadRoute.Local;
import io.datastores.service.routing.ReadRoute.Step;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.FilterContinuation;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteMatch;
import reactor.core.publisher.Mono;

/**
 * Answers a {@link KeyedRead} (a read, or a write checked against the key's state) from the
 * instance holding its key ({@link ReadRoute} decides where):
 * here, or forwarded over HTTP with the caller's token (the owner admits it again) and answered with
 * the owner's status and body. It runs after {@code AuthFilter}: a request is admitted before it is
 * forwarded. A read every holder fails answers 503 with the reason.
 */
@ServerFilter("/**")
public class KeyOwnerRouting implements Ordered {

    /** On a forwarded request: {@code active} or {@code standby} (read the standby replica). */
    public static final String ROUTED = "X-Dcp-Routed";
    /** On an answer another instance gave, its address; on one read from a standby replica, "(standby)" after it. */
    public static final String ANSWERED_BY = "X-Dcp-Answered-By";
    /** On a keyed request answered here: its key's partition, which {@code QueryableStores} reads alone. */
    public static final String PARTITION = "dcp.read.partition";
    /** On a request answered here from a standby replica: the partition, for {@code QueryableStores}. */
    public static final String STANDBY_READ = "dcp.read.standby";

    private final KeyOwners owners;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    public KeyOwnerRouting(KeyOwners owners) {
        this.owners = owners;
    }

    @Override
    public int getOrder() {
        return 100; // after AuthFilter (0)
    }

    /**
     * Non-blocking, on the event loop: the plan comes from the key metadata in memory; a forward is an
     * asynchronous call, and the next step is tried when it fails or answers 503.
     */
    @RequestFilter
    public Publisher<HttpResponse<?>> route(HttpRequest<?> request,
            FilterContinuation<Publisher<HttpResponse<?>>> chain) {
        Optional<RouteMatch<?>> match = RouteAttributes.getRouteMatch(request);
        if (match.isEmpty() || !match.get().getAnnotationMetadata().hasAnnotation(KeyedRead.class)) {
            return chain.proceed();
        }
        String store = match.get().getAnnotationMetadata().stringValue(KeyedRead.class, "store").orElseThrow();
        String variable = match.get().getAnnotationMetadata().stringValue(KeyedRead.class, "key").orElse("id");
        Object key = match.get().getVariableValues().get(variable);
        if (key == null) {
            return chain.proceed();
        }
        Optional<Boolean> routed = Optional.ofNullable(request.getHeaders().get(ROUTED)).map("standby"::equals);
        List<Step> steps = ReadRoute.plan(owners.owner(store, key.toString()), owners.self(), routed,
                owners.rebalancing());
        if (steps.isEmpty()) {
            return Mono.just(HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).body(new Problem(
                    "the partitions of " + store + " are moving between instances; retry shortly")));
        }
        if (steps.get(0) instanceof Local) {
            return answerHere(request, (Local) steps.get(0), chain);
        }
        HttpResponse<?> noneAnswered = HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).body(new Problem(
                "no instance holding " + key + " in " + store + " answers; retry shortly"));
        return Mono.fromFuture(body(request)).materialize().flatMap(body -> body.hasError()
                ? Mono.just(HttpResponse.badRequest(new Problem("the request's body could not be read: "
                        + body.getThrowable())))
                : attempt(request, body.get(), steps, 0, null, chain).defaultIfEmpty(noneAnswered));
    }

    private static Publisher<HttpResponse<?>> answerHere(HttpRequest<?> request, Local local,
            FilterContinuation<Publisher<HttpResponse<?>>> chain) {
        if (local.stale()) {
            request.setAttribute(STANDBY_READ, local.partition());
        }
        if (local.partition() >= 0) {
            request.setAttribute(PARTITION, local.partition());
        }
        return chain.proceed();
    }

    /** Step {@code i} and, if it fails or answers 503, the next ones; empty when none answered. */
    private Mono<HttpResponse<?>> attempt(HttpRequest<?> request, byte[] body, List<Step> steps, int i,
            @Nullable HttpResponse<?> last, FilterContinuation<Publisher<HttpResponse<?>>> chain) {
        if (i == steps.size()) {
            return Mono.justOrEmpty(last);
        }
        if (steps.get(i) instanceof Local local) {
            return Mono.from(answerHere(request, local, chain));
        }
        return Mono.fromFuture(forward(request, body, (Forward) steps.get(i))).flatMap(answer ->
                answer.isPresent() && answer.get().code() != HttpStatus.SERVICE_UNAVAILABLE.getCode()
                        ? Mono.just(answer.get())
                        : attempt(request, body, steps, i + 1, answer.orElse(last), chain));
    }

    /** A read answered here from a standby replica says so, as a forwarded one does. */
    @ResponseFilter
    public void markStandbyReads(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (request.getAttribute(STANDBY_READ).isPresent() && !response.getHeaders().contains(ANSWERED_BY)) {
            response.header(ANSWERED_BY, owners.self().map(ReadRoute.Host::address).orElse("here") + " (standby)");
        }
    }

    /** A copy of the body (the original stays for a controller here), empty when there is none. */
    private static CompletableFuture<byte[]> body(HttpRequest<?> request) {
        if (!(request instanceof ServerHttpRequest<?> server) || request.getContentLength() == 0
                || !request.getMethod().permitsRequestBody()) {
            return CompletableFuture.completedFuture(new byte[0]);
        }
        return server.byteBody().split().buffer().thenApply(copy -> {
            try (copy) {
                return copy.toByteArray();
            }
        });
    }

    /** The holder's answer; empty when it is gone or unreachable (the next one is asked). */
    private CompletableFuture<Optional<HttpResponse<?>>> forward(HttpRequest<?> request, byte[] body,
            Forward forward) {
        URI uri = URI.create("http://" + forward.to().address() + request.getUri().toString());
        java.net.http.HttpRequest.Builder out = java.net.http.HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(5)).header(ROUTED, forward.stale() ? "standby" : "active")
                .method(request.getMethodName(), body.length == 0 ? BodyPublishers.noBody()
                        : BodyPublishers.ofByteArray(body));
        for (String header : List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.ACCEPT, HttpHeaders.CONTENT_TYPE)) {
            String value = request.getHeaders().get(header);
            if (value != null) {
                out.header(header, value);
            }
        }
        return client.sendAsync(out.build(), BodyHandlers.ofByteArray()).<Optional<HttpResponse<?>>>thenApply(in -> {
            MediaType type = in.headers().firstValue(HttpHeaders.CONTENT_TYPE).map(MediaType::of)
                    .orElse(MediaType.APPLICATION_JSON_TYPE);
            return Optional.of(HttpResponse.status(HttpStatus.valueOf(in.statusCode())).contentType(type)
                    .header(ANSWERED_BY, forward.to().address() + (forward.stale() ? " (standby)" : ""))
                    .body(in.body()));
        }).exceptionally(unreachable -> Optional.empty());
    }
}
