package io.datastores.service.routing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

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
import io.micronaut.http.body.CloseableAvailableByteBody;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteMatch;

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

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    public @Nullable HttpResponse<?> route(HttpRequest<?> request) {
        Optional<RouteMatch<?>> match = RouteAttributes.getRouteMatch(request);
        if (match.isEmpty() || !match.get().getAnnotationMetadata().hasAnnotation(KeyedRead.class)) {
            return null;
        }
        String store = match.get().getAnnotationMetadata().stringValue(KeyedRead.class, "store").orElseThrow();
        String variable = match.get().getAnnotationMetadata().stringValue(KeyedRead.class, "key").orElse("id");
        Object key = match.get().getVariableValues().get(variable);
        if (key == null) {
            return null;
        }
        Optional<Boolean> routed = Optional.ofNullable(request.getHeaders().get(ROUTED)).map("standby"::equals);
        List<Step> steps = ReadRoute.plan(owners.owner(store, key.toString()), owners.self(), routed,
                owners.rebalancing());
        HttpResponse<?> last = null;
        for (Step step : steps) {
            if (step instanceof Local local) {
                if (local.stale()) {
                    request.setAttribute(STANDBY_READ, local.partition());
                }
                if (local.partition() >= 0) {
                    request.setAttribute(PARTITION, local.partition());
                }
                return null;
            }
            Forward forward = (Forward) step;
            Optional<HttpResponse<?>> answer = forward(request, forward);
            if (answer.isPresent() && answer.get().code() != HttpStatus.SERVICE_UNAVAILABLE.getCode()) {
                return answer.get();
            }
            last = answer.orElse(last);
        }
        return last != null ? last : HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).body(new Problem(
                steps.isEmpty() ? "the partitions of " + store + " are moving between instances; retry shortly"
                        : "no instance holding " + key + " in " + store + " answers; retry shortly"));
    }

    /** A read answered here from a standby replica says so, as a forwarded one does. */
    @ResponseFilter
    public void markStandbyReads(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (request.getAttribute(STANDBY_READ).isPresent() && !response.getHeaders().contains(ANSWERED_BY)) {
            response.header(ANSWERED_BY, owners.self().map(ReadRoute.Host::address).orElse("here") + " (standby)");
        }
    }

    /** A copy of the body (the original stays for a controller here), empty when there is none. */
    private static byte[] body(HttpRequest<?> request) throws Exception {
        if (!(request instanceof ServerHttpRequest<?> server) || request.getContentLength() == 0
                || !request.getMethod().permitsRequestBody()) {
            return new byte[0];
        }
        try (CloseableAvailableByteBody copy = server.byteBody().split().buffer().get(5, TimeUnit.SECONDS)) {
            return copy.toByteArray();
        }
    }

    private Optional<HttpResponse<?>> forward(HttpRequest<?> request, Forward forward) {
        URI uri = URI.create("http://" + forward.to().address() + request.getUri().toString());
        byte[] body;
        try {
            body = body(request);
        } catch (Exception e) {
            return Optional.of(HttpResponse.badRequest(new Problem("the request's body could not be read: " + e)));
        }
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
        try {
            java.net.http.HttpResponse<byte[]> in = client.send(out.build(), BodyHandlers.ofByteArray());
            MediaType type = in.headers().firstValue(HttpHeaders.CONTENT_TYPE).map(MediaType::of)
                    .orElse(MediaType.APPLICATION_JSON_TYPE);
            return Optional.of(HttpResponse.status(HttpStatus.valueOf(in.statusCode())).contentType(type)
                    .header(ANSWERED_BY, forward.to().address() + (forward.stale() ? " (standby)" : ""))
                    .body(in.body()));
        } catch (IOException e) {
            return Optional.empty(); // the holder is gone or unreachable: the next one answers
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
