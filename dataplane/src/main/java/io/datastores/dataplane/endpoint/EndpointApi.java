package io.datastores.dataplane.endpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * The endpoint server's control API, JSON both ways: {@code PUT /endpoints/{id}} (create or
 * update), {@code POST /endpoints/{id}/pause} ({@code {"timeoutMillis":..}}, optional),
 * {@code POST /endpoints/{id}/resume}, {@code DELETE /endpoints/{id}}, {@code GET /endpoints},
 * {@code GET /endpoints/{id}}, {@code GET /health}. Bad input answers 4xx with
 * {@code {"status":..,"error":".."}}; nothing a client sends stops the server.
 */
final class EndpointApi implements HttpHandler {

    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(EndpointApi.class);

    private final Endpoints endpoints;

    EndpointApi(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                route(exchange);
            } catch (EndpointException e) {
                error(exchange, e.status(), e.getMessage());
            } catch (IllegalArgumentException e) {
                error(exchange, 400, e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                error(exchange, 500, "internal error: " + e);
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String[] path = exchange.getRequestURI().getRawPath().split("/", -1);
        // "/endpoints/x/pause" splits to ["", "endpoints", "x", "pause"]
        if (path.length == 2 && path[1].equals("health")) {
            allow(method, "GET");
            send(exchange, 200, Map.of("status", "UP", "endpoints", endpoints.size()));
        } else if (path.length == 2 && path[1].equals("endpoints")) {
            allow(method, "GET");
            send(exchange, 200, Map.of("endpoints", endpoints.list()));
        } else if (path.length == 3 && path[1].equals("endpoints")) {
            one(exchange, method, path[2]);
        } else if (path.length == 4 && path[1].equals("endpoints") && path[3].equals("pause")) {
            allow(method, "POST");
            send(exchange, 200, endpoints.pause(path[2], pauseTimeout(body(exchange))));
        } else if (path.length == 4 && path[1].equals("endpoints") && path[3].equals("resume")) {
            allow(method, "POST");
            send(exchange, 200, endpoints.resume(path[2]));
        } else {
            throw new EndpointException(404, "no such resource: " + exchange.getRequestURI());
        }
    }

    private void one(HttpExchange exchange, String method, String id) throws IOException {
        switch (method) {
            case "GET" -> send(exchange, 200, endpoints.get(id).orElseThrow(
                    () -> new EndpointException(404, "no endpoint for instance " + id)));
            case "PUT" -> {
                EndpointSpec spec = EndpointJson.spec(body(exchange));
                Endpoints.Put put = endpoints.put(id, spec);
                send(exchange, put.created() ? 201 : 200, put.view());
            }
            case "DELETE" -> {
                if (!endpoints.delete(id)) {
                    throw new EndpointException(404, "no endpoint for instance " + id);
                }
                send(exchange, 200, Map.of("instanceId", id, "deleted", true));
            }
            default -> allow(method, "GET, PUT, DELETE");
        }
    }

    private static Duration pauseTimeout(byte[] body) {
        if (body.length == 0) {
            return Endpoints.DEFAULT_PAUSE;
        }
        JsonNode node = EndpointJson.tree(body);
        EndpointJson.requireObject(node, "the pause", Set.of("timeoutMillis"));
        JsonNode millis = node.get("timeoutMillis");
        if (millis == null) {
            return Endpoints.DEFAULT_PAUSE;
        }
        if (!millis.isIntegralNumber() || !millis.canConvertToLong()) {
            throw new IllegalArgumentException("timeoutMillis must be a whole number");
        }
        return Duration.ofMillis(millis.longValue());
    }

    private static void allow(String method, String allowed) {
        if (!Set.of(allowed.split(", ")).contains(method)) {
            throw new EndpointException(405, method + " is not allowed here (allowed: " + allowed
                    + ")");
        }
    }

    private static byte[] body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new EndpointException(413, "the body is larger than " + MAX_BODY_BYTES
                        + " bytes");
            }
            return body;
        }
    }

    private static void error(HttpExchange exchange, int status, String message)
            throws IOException {
        send(exchange, status, Map.of("status", status, "error", String.valueOf(message)));
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = EndpointJson.bytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
