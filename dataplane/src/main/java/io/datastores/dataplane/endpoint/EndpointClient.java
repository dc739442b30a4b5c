package io.datastores.dataplane.endpoint;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The data plane's side of the endpoint server's control API: each call is one HTTP request.
 * A refusal throws {@link EndpointException} with the server's status and message; an endpoint
 * server that cannot be reached throws {@link UncheckedIOException}.
 */
public final class EndpointClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final URI base;
    private final HttpClient http;

    /** A client of the endpoint server at {@code controlUri} ({@code http://127.0.0.1:8096}). */
    public EndpointClient(URI controlUri) {
        String text = controlUri.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** A client of the endpoint server controlled on {@code 127.0.0.1:controlPort}. */
    public static EndpointClient local(int controlPort) {
        return new EndpointClient(URI.create("http://127.0.0.1:" + controlPort));
    }

    /** Creates the endpoint of {@code instanceId}, or makes it what {@code spec} says. */
    public EndpointView put(String instanceId, EndpointSpec spec) {
        return view(send("PUT", "/endpoints/" + instanceId, EndpointJson.bytes(spec)));
    }

    /** Holds new connections until {@link #resume} or {@code timeout}. */
    public EndpointView pause(String instanceId, Duration timeout) {
        byte[] body = EndpointJson.bytes(Map.of("timeoutMillis", timeout.toMillis()));
        return view(send("POST", "/endpoints/" + instanceId + "/pause", body));
    }

    /** Sends held and new connections to the target in force. */
    public EndpointView resume(String instanceId) {
        return view(send("POST", "/endpoints/" + instanceId + "/resume", new byte[0]));
    }

    /** Stops and forgets the endpoint of {@code instanceId}; false if there was none. */
    public boolean delete(String instanceId) {
        try {
            send("DELETE", "/endpoints/" + instanceId, null);
            return true;
        } catch (EndpointException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** The endpoint of {@code instanceId}, if there is one. */
    public Optional<EndpointView> get(String instanceId) {
        try {
            return Optional.of(view(send("GET", "/endpoints/" + instanceId, null)));
        } catch (EndpointException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Every endpoint. */
    public List<EndpointView> list() {
        JsonNode endpoints = EndpointJson.tree(send("GET", "/endpoints", null)).get("endpoints");
        return EndpointJson.MAPPER.convertValue(endpoints, new TypeReference<List<EndpointView>>() {
        });
    }

    /** Whether the endpoint server answers its health check. */
    public boolean healthy() {
        try {
            send("GET", "/health", null);
            return true;
        } catch (UncheckedIOException | EndpointException e) {
            return false;
        }
    }

    private static EndpointView view(byte[] body) {
        return EndpointJson.MAPPER.convertValue(EndpointJson.tree(body), EndpointView.class);
    }

    private byte[] send(String method, String path, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException(method + " " + request.uri()
                    + " interrupted"));
        }
        if (response.statusCode() / 100 != 2) {
            throw new EndpointException(response.statusCode(), message(response));
        }
        return response.body();
    }

    private static String message(HttpResponse<byte[]> response) {
        try {
            return EndpointJson.tree(response.body()).path("error").asText("HTTP "
                    + response.statusCode());
        } catch (IllegalArgumentException e) {
            return "HTTP " + response.statusCode();
        }
    }
}
