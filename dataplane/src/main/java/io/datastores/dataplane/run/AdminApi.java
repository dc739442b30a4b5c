package io.datastores.dataplane.run;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.datastores.dataplane.domain.Command;
import io.datastores.dataplane.domain.Fleet;
import io.datastores.dataplane.domain.Fleet.Instance;
import io.datastores.dataplane.domain.Fleet.Node;
import io.datastores.events.EventMetadata;
import io.datastores.kit.json.JsonSerde;

/**
 * The data plane's own HTTP API on 127.0.0.1, for people and tests at this machine (not the control
 * plane's: it acts on events): {@code GET /health}; {@code GET /nodes} (every server: instance, role,
 * status, port, epoch, the instance's endpoint port); {@code POST /nodes/{id}/crash} (its postmaster
 * dies: a process crash), {@code POST /nodes/{id}/lose} (its machine is gone: it falls silent) and
 * {@code POST /nodes/{id}/return} (the machine is back; fenced if the instance moved on). {@code ./dcp
 * node crash|lose|return NODE} call these.
 */
final class AdminApi {

    private final HttpServer server;
    private final FleetStore store;
    private final InstanceWorkers workers;
    private final List<String> notes;

    AdminApi(String host, int port, FleetStore store, InstanceWorkers workers, List<String> notes,
            java.util.function.BooleanSupplier reading) throws IOException {
        this.store = store;
        this.workers = workers;
        this.notes = notes;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/health", ex -> answer(ex, reading.getAsBoolean() ? 200 : 503,
                Map.of("status", reading.getAsBoolean() ? "UP" : "STARTING", "servers", store.get().nodeCount(),
                        "notes", notes)));
        server.createContext("/nodes", this::nodes);
    }

    void start() {
        server.start();
    }

    void stop() {
        server.stop(0);
    }

    private void nodes(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String[] parts = path.substring("/nodes".length()).split("/");
        if ("GET".equals(ex.getRequestMethod()) && parts.length <= 1) {
            answer(ex, 200, Map.of("nodes", list(store.get())));
            return;
        }
        if (!"POST".equals(ex.getRequestMethod()) || parts.length != 3) {
            answer(ex, 404, Map.of("error", "use GET /nodes or POST /nodes/{nodeId}/crash|lose|return"));
            return;
        }
        String nodeId = parts[1];
        Optional<Instance> instance = store.get().instanceOfNode(nodeId);
        if (instance.isEmpty()) {
            answer(ex, 404, Map.of("error", "no server " + nodeId + " runs here; GET /nodes lists them"));
            return;
        }
        String id = instance.get().instanceId();
        Command command = switch (parts[2]) {
            case "crash" -> new Command.Crash(id, nodeId);
            case "lose" -> new Command.Lose(id, nodeId);
            case "return" -> new Command.Return(id, nodeId);
            default -> null;
        };
        if (command == null) {
            answer(ex, 404, Map.of("error", "unknown action '" + parts[2] + "': crash, lose or return"));
            return;
        }
        EventMetadata cause = new EventMetadata(UUID.randomUUID().toString(), UUID.randomUUID().toString(), null,
                Instant.now(), "operator at the local data plane");
        workers.submit(command, cause).join();
        answer(ex, 200, Map.of("node", nodeId, "action", parts[2],
                "now", store.get().node(nodeId).map(n -> n.status().name()).orElse("GONE")));
    }

    private static List<Map<String, Object>> list(Fleet fleet) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Instance i : fleet.instances().values()) {
            for (Node n : i.nodes().values()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("nodeId", n.nodeId());
                row.put("instanceId", i.instanceId());
                row.put("engine", i.engine());
                row.put("role", n.role());
                row.put("status", n.status());
                row.put("port", n.port());
                row.put("epoch", n.epoch());
                row.put("endpointPort", i.endpointPort());
                row.put("serviceHost", i.serviceHost());
                row.put("primary", n.nodeId().equals(i.primaryNodeId()));
                out.add(row);
            }
        }
        out.sort(java.util.Comparator.comparing(r -> (String) r.get("nodeId")));
        return out;
    }

    private static void answer(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JsonSerde.MAPPER.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
