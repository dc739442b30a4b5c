package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.datastores.contract.Topics;
import io.datastores.events.AdminCredentialIssued;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.Engine;
import io.datastores.events.FailoverCompleted;
import io.datastores.events.FailoverStarted;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.InstanceDeletionRequested;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceRequestEnvelope;
import io.datastores.events.InstanceReady;
import io.datastores.events.NodeFenced;
import io.datastores.events.NodeRejoined;
import io.datastores.events.ReplacementCancelled;
import io.datastores.events.NodeRewound;
import io.datastores.events.StandbyPromoted;
import io.datastores.kit.seal.SealedBox;
import io.datastores.kit.serde.ContractSerdes;

/**
 * The control plane running real PostgreSQL servers through the local data plane, under a steady
 * stream of committed writes through each instance's endpoint: a Premium primary lost loses no commit
 * the writer saw acknowledged, and the endpoint follows the promoted standby; the old primary, brought
 * back, is fenced and streams as a standby; a Business primary lost loses what the data plane then
 * measures and no more; and at every sample exactly one server of an instance is writable. Skipped
 * where PostgreSQL 15 is not installed (.ci/run installs it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataPlaneIT {

    private static final String ORG = "org-real";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private FreshBackbone backbone;
    private ControlPlane plane;
    private Platform platform;
    private ContractSerdes serdes;
    private SealedBox.KeyPair marketplaceKey;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/initdb")),
                "PostgreSQL 15 is not installed (.ci/run installs it)");
        // A backbone of its own: the shared one holds earlier classes' simulated instances, silent once
        // their simulators stopped (a region of silence for failover-service to weigh), and the real
        // instances of this class would otherwise sit in every later class's replays.
        backbone = FreshBackbone.start("dataplane-it");
        serdes = new ContractSerdes(backbone.registryUrl());
        plane = new ControlPlane(backbone.bootstrapServers(), backbone.registryUrl(),
                Files.createTempDirectory(Path.of("target").toAbsolutePath(), "real"),
                Map.of("dcp.failover.stability", "0s")).withLocalDataPlane();
        marketplaceKey = SealedBox.KeyPair.openOrCreate(plane.vault());
        plane.start();
        platform = new Platform(backbone.bootstrapServers(), serdes);
        platform.pays(ORG, plane);
    }

    @AfterAll
    void stop() {
        if (plane != null) {
            plane.close();
        }
        if (backbone != null) {
            backbone.close();
        }
    }

    // --- what the test reads ---

    private <T> List<T> events(TopicReader reader, String id, Class<T> type) {
        var topic = Topics.byName(reader.topic()).orElseThrow();
        return reader.poll().stream().filter(r -> id.equals(r.key()))
                .map(r -> serdes.value(topic).deserializer().deserialize(r.topic(), r.value()))
                .map(DataPlaneIT::payload).filter(type::isInstance).map(type::cast).toList();
    }

    private static Object payload(Object envelope) {
        if (envelope instanceof InstanceEventEnvelope e) {
            return e.getPayload();
        }
        if (envelope instanceof FailoverEventEnvelope e) {
            return e.getPayload();
        }
        return ((DataPlaneEventEnvelope) envelope).getPayload();
    }

    /** The local data plane's own account of its servers. */
    private JsonNode servers() throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(plane.url("dataplane", "/nodes"))).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).get("nodes");
    }

    private Optional<JsonNode> server(String nodeId) throws Exception {
        for (JsonNode n : servers()) {
            if (n.get("nodeId").asText().equals(nodeId)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    private void act(String nodeId, String action) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(plane.url("dataplane", "/nodes/" + nodeId + "/"
                + action))).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /** A real instance: requested, ready, with its endpoint's port and its admin password (opened as marketplace). */
    private record Real(String id, int endpointPort, String password, String primary) {
    }

    private Real ready(String id, String plan, TopicReader instances, TopicReader dataPlane) throws Exception {
        try (var producer = platform.requests()) {
            producer.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), id,
                    Platform.request(ORG, id, plan, Engine.POSTGRESQL))).get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> !events(instances, id, InstanceReady.class).isEmpty()
                && !events(dataPlane, id, AdminCredentialIssued.class).isEmpty());
        AdminCredentialIssued admin = events(dataPlane, id, AdminCredentialIssued.class).get(0);
        String password = new String(marketplaceKey.open(bytes(admin.getSealedPassword()),
                id.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        JsonNode primary = server(id + "-n1").orElseThrow();
        return new Real(id, primary.get("endpointPort").asInt(), password, id + "-n1");
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    /** Samples, every 50 ms, how many of an instance's servers accept writes; remembers the most at once. */
    private final class Sampler implements AutoCloseable {
        private final AtomicInteger most = new AtomicInteger();
        private final AtomicInteger samples = new AtomicInteger();
        private final java.util.concurrent.ScheduledExecutorService timer =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "writable-sampler");
                    t.setDaemon(true);
                    return t;
                });

        Sampler(Real real) {
            timer.scheduleWithFixedDelay(() -> {
                int writable = 0;
                try {
                    for (JsonNode n : servers()) {
                        if (n.get("instanceId").asText().equals(real.id()) && writable(n.get("port").asInt(),
                                real.password())) {
                            writable++;
                        }
                    }
                } catch (Exception e) {
                    return; // the data plane did not answer: no sample this time
                }
                most.accumulateAndGet(writable, Math::max);
                samples.incrementAndGet();
            }, 0, 50, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            timer.shutdown();
            timer.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private boolean writable(int port, String password) {
        try (Connection c = RealWriter.connect(port, password, plane.caFile());
                Statement s = c.createStatement(); ResultSet r = s.executeQuery("select pg_is_in_recovery()")) {
            r.next();
            return !r.getBoolean(1);
        } catch (SQLException e) {
            return false;
        }
    }

    private Set<Long> rows(Real real) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = RealWriter.connect(real.endpointPort(), real.password(), plane.caFile());
                Statement s = c.createStatement(); ResultSet r = s.executeQuery("select id from writes")) {
            while (r.next()) {
                ids.add(r.getLong(1));
            }
        }
        return ids;
    }

    /**
     * Deletes the instance, as a platform service would: every server of it stops and goes (and nothing of
     * it goes on asking for backups the real servers cannot take yet, in the other tests' broker).
     */
    private void delete(String id) throws Exception {
        try (var producer = platform.requests()) {
            producer.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), id, new InstanceRequestEnvelope(
                    Platform.meta("it"), new InstanceDeletionRequested("del-" + id, ORG, id)))).get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(servers())
                .noneMatch(n -> n.get("instanceId").asText().equals(id)));
        assertThat(Files.list(plane.dataPlaneDir().resolve("nodes"))
                .filter(d -> d.getFileName().toString().startsWith(id + "-"))).as("its data is gone").isEmpty();
    }

    /** Each server's postmaster process id, by node, from its {@code postmaster.pid}. */
    private Map<String, String> postmasters(String id) throws Exception {
        Map<String, String> pids = new java.util.TreeMap<>();
        try (var nodes = Files.list(plane.dataPlaneDir().resolve("nodes"))) {
            for (Path node : nodes.filter(d -> d.getFileName().toString().startsWith(id + "-")).toList()) {
                Path pid = node.resolve("data").resolve("postmaster.pid");
                pids.put(node.getFileName().toString(), Files.readAllLines(pid).get(0));
            }
        }
        return pids;
    }

    /** Whether every node of the instance has been heard from (by failover-service) since {@code nanos}. */
    private boolean heardSince(String id, long nanos) throws Exception {
        java.time.Instant since = java.time.Instant.now().minusNanos(System.nanoTime() - nanos);
        JsonNode nodes = JSON.readTree(platform.get(plane.url("failover-service", "/instances/" + id + "/nodes"))
                .body());
        Set<String> heard = new HashSet<>();
        for (JsonNode n : nodes.path("nodes")) {
            JsonNode at = n.get("lastHeartbeatAt");
            if (at != null && !at.isNull() && java.time.Instant.parse(at.asText()).isAfter(since)) {
                heard.add(n.get("nodeId").asText());
            }
        }
        return heard.containsAll(List.of(id + "-n1", id + "-n2", id + "-n3"));
    }

    /** failover-service's account of an instance's failovers: phases and timings. */
    private String failovers(String id) throws Exception {
        return platform.get(plane.url("failover-service", "/instances/" + id + "/failovers")).body();
    }

    private void awaitFailover(String id, TopicReader failovers) throws Exception {
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !events(failovers, id, FailoverCompleted.class).isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no FailoverCompleted; failover-service says " + failovers(id) + "; events: "
                    + events(failovers, id, Object.class).stream().map(o -> o.getClass().getSimpleName() + " " + o)
                            .toList(), e);
        }
    }

    // --- the tests ---

    @Test
    @DisplayName("Premium: the primary lost, no acknowledged commit lost, the endpoint follows, the old primary fenced")
    void premiumPrimaryLost() throws Exception {
        String id = "real-p-" + UUID.randomUUID().toString().substring(0, 8);
        try (TopicReader instances = new TopicReader(backbone.bootstrapServers(), Topics.INSTANCE_EVENTS.name());
                TopicReader failovers = new TopicReader(backbone.bootstrapServers(),
                        Topics.FAILOVER_EVENTS.name());
                TopicReader dataPlane = new TopicReader(backbone.bootstrapServers(),
                        Topics.DATA_PLANE_EVENTS.name())) {
            Real real = ready(id, "PREMIUM-4", instances, dataPlane);
            try (RealWriter writer = new RealWriter(real.endpointPort(), real.password(), plane.caFile());
                    Sampler sampler = new Sampler(real)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> writer.acked() > 200);
                act(real.primary(), "lose");
                awaitFailover(id, failovers);
                int before = writer.acked();
                await("writes go on through the endpoint").atMost(Duration.ofSeconds(30))
                        .until(() -> writer.acked() > before + 100);
                writer.close();
                sampler.close();
                StandbyPromoted promoted = events(failovers, id, StandbyPromoted.class).get(0);
                Set<Long> present = rows(real);
                List<Long> lost = writer.acks().stream().map(RealWriter.Ack::id).filter(a -> !present.contains(a)).toList();
                System.out.println("premium failover: " + failovers(id));
                System.out.printf("premium: %d commits acknowledged, %d lost; promoted %s; longest write pause %d ms;"
                        + " most writable servers at once %d of %d samples%n", writer.acked(), lost.size(),
                        promoted.getNodeId(), writer.longestGapMillis(), sampler.most.get(), sampler.samples.get());
                assertThat(lost).as("acknowledged commits lost by a Premium failover").isEmpty();
                assertThat(sampler.most.get()).as("writable servers at once").isEqualTo(1);
                assertThat(writer.longestGapMillis()).as("client-seen write downtime").isLessThan(15_000);
            }

            act(real.primary(), "return");
            await().atMost(Duration.ofSeconds(30)).until(() -> events(dataPlane, id, NodeRewound.class).stream()
                    .anyMatch(r -> r.getNodeId().equals(real.primary())));
            await().atMost(Duration.ofSeconds(30)).until(() -> events(failovers, id, NodeFenced.class).stream()
                    .anyMatch(f -> f.getNodeId().equals(real.primary())));
            JsonNode back = server(real.primary()).orElseThrow();
            assertThat(back.get("role").asText()).isEqualTo("STANDBY");
            assertThat(writable(back.get("port").asInt(), real.password())).isFalse();
            // it takes back its place: its replacement is cancelled, and the data plane removes that server
            await().atMost(Duration.ofSeconds(30)).until(() -> events(failovers, id, NodeRejoined.class).stream()
                    .anyMatch(r -> r.getNodeId().equals(real.primary())));
            ReplacementCancelled cancelled = events(failovers, id, ReplacementCancelled.class).get(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> server(cancelled.getNodeId()).isEmpty());
            assertThat(servers()).filteredOn(n -> n.get("instanceId").asText().equals(id)).hasSize(3);
            delete(id);
        }
    }

    @Test
    @DisplayName("a planned switchover under writes: no commit lost, a pause of about a second, the old primary follows")
    void plannedSwitchover() throws Exception {
        String id = "real-s-" + UUID.randomUUID().toString().substring(0, 8);
        try (TopicReader instances = new TopicReader(backbone.bootstrapServers(), Topics.INSTANCE_EVENTS.name());
                TopicReader failovers = new TopicReader(backbone.bootstrapServers(),
                        Topics.FAILOVER_EVENTS.name());
                TopicReader dataPlane = new TopicReader(backbone.bootstrapServers(),
                        Topics.DATA_PLANE_EVENTS.name())) {
            Real real = ready(id, "PREMIUM-4", instances, dataPlane);
            // the standbys must have been heard for a while (a switchover promotes only a stable standby)
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(platform.get(plane.url(
                    "failover-service", "/instances/" + id + "/nodes")).body()).contains(id + "-n3"));
            try (RealWriter writer = new RealWriter(real.endpointPort(), real.password(), plane.caFile());
                    Sampler sampler = new Sampler(real)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> writer.acked() > 200);

                // first the data plane itself crashes and starts again: it re-adopts the servers, which never
                // stopped, its heartbeats resume before the silence is taken for a loss, and writes go on
                Map<String, String> postmasters = postmasters(id);
                long killedAt = System.nanoTime();
                plane.kill("dataplane");
                plane.relaunchDataPlane();
                plane.awaitHealthy("dataplane");
                await("heartbeats again").atMost(Duration.ofSeconds(30)).until(() -> heardSince(id, killedAt));
                System.out.printf("data plane restarted: heard from %s again %d ms after the kill%n", id,
                        (System.nanoTime() - killedAt) / 1_000_000);
                int acked = writer.acked();
                await().atMost(Duration.ofSeconds(30)).until(() -> writer.acked() > acked + 50);
                assertThat(postmasters(id)).as("the same server processes, re-adopted").isEqualTo(postmasters);
                assertThat(events(failovers, id, FailoverStarted.class)).as("failovers after a data plane restart")
                        .isEmpty();
                assertThat(writer.longestGapMillis()).as("write pause across the data plane's restart")
                        .isLessThan(1_000);

                var asked = platform.post(plane.url("failover-service", "/instances/" + id + "/switchover"),
                        "{\"operator\": \"it\", \"note\": \"kernel update\"}");
                assertThat(asked.statusCode()).as(asked.body()).isEqualTo(200);
                awaitFailover(id, failovers);
                int before = writer.acked();
                await().atMost(Duration.ofSeconds(30)).until(() -> writer.acked() > before + 100);
                writer.close();
                sampler.close();
                FailoverCompleted done = events(failovers, id, FailoverCompleted.class).get(0);
                Set<Long> present = rows(real);
                List<Long> lost = writer.acks().stream().map(RealWriter.Ack::id).filter(a -> !present.contains(a))
                        .toList();
                System.out.printf("switchover: %d commits acknowledged, %d lost; %s -> %s; longest write pause %d ms;"
                        + " unavailable %d ms as failover-service measured it; most writable at once %d%n",
                        writer.acked(), lost.size(), real.primary(), done.getPrimaryNodeId(), writer.longestGapMillis(),
                        done.getUnavailableMillis(), sampler.most.get());
                assertThat(done.getKind()).isEqualTo("SWITCHOVER");
                assertThat(lost).as("commits lost by a planned switchover").isEmpty();
                assertThat(sampler.most.get()).as("writable servers at once").isEqualTo(1);
                assertThat(writer.longestGapMillis()).as("client-seen write pause").isLessThan(5_000);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode old = server(real.primary()).orElseThrow();
                assertThat(old.get("role").asText()).isEqualTo("STANDBY");
                assertThat(writable(old.get("port").asInt(), real.password())).isFalse();
            });
            delete(id);
        }
    }

    @Test
    @DisplayName("Business: the primary lost asynchronously, the loss the data plane measures is what the writer lost")
    void businessPrimaryLost() throws Exception {
        String id = "real-b-" + UUID.randomUUID().toString().substring(0, 8);
        try (TopicReader instances = new TopicReader(backbone.bootstrapServers(), Topics.INSTANCE_EVENTS.name());
                TopicReader failovers = new TopicReader(backbone.bootstrapServers(),
                        Topics.FAILOVER_EVENTS.name());
                TopicReader dataPlane = new TopicReader(backbone.bootstrapServers(),
                        Topics.DATA_PLANE_EVENTS.name())) {
            Real real = ready(id, "BUSINESS-4", instances, dataPlane);
            List<RealWriter.Ack> acks;
            long lostAt;
            try (RealWriter writer = new RealWriter(real.endpointPort(), real.password(), plane.caFile());
                    Sampler sampler = new Sampler(real)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> writer.acked() > 200);
                lostAt = System.nanoTime();
                act(real.primary(), "lose");
                awaitFailover(id, failovers);
                int before = writer.acked();
                await().atMost(Duration.ofSeconds(30)).until(() -> writer.acked() > before + 100);
                writer.close();
                sampler.close();
                acks = writer.acks();
                assertThat(sampler.most.get()).as("writable servers at once").isEqualTo(1);
                System.out.printf("business: longest write pause %d ms%n", writer.longestGapMillis());
            }
            Set<Long> present = rows(real);
            FailoverCompleted completed = events(failovers, id, FailoverCompleted.class).get(0);
            act(real.primary(), "return");
            await().atMost(Duration.ofSeconds(30)).until(() -> events(dataPlane, id, NodeRewound.class).stream()
                    .anyMatch(r -> r.getNodeId().equals(real.primary())));
            NodeRewound rewound = events(dataPlane, id, NodeRewound.class).stream()
                    .filter(r -> r.getNodeId().equals(real.primary())).findFirst().orElseThrow();
            List<RealWriter.Ack> lost = acks.stream().filter(a -> !present.contains(a.id())).toList();
            System.out.printf("business: %d commits acknowledged, %d lost; reported %d bytes at the failover, measured %d"
                    + " bytes discarded past %d%n", acks.size(), lost.size(), completed.getEstimatedDataLossBytes(),
                    rewound.getDiscardedBytes(), rewound.getDivergedAt());
            // every acknowledged commit the new primary has came before the histories diverged, every one it
            // lacks after: what the old primary discarded is exactly the writer's loss
            long diverged = rewound.getDivergedAt();
            System.out.println("business failover: " + failovers(id));
            assertThat(acks.stream().filter(a -> a.atNanos() < lostAt && present.contains(a.id())))
                    .allMatch(a -> a.lsn() < diverged);
            assertThat(lost).allMatch(a -> a.lsn() > diverged - 256); // its commit record ends past the divergence
            if (!lost.isEmpty()) {
                long lastLost = lost.stream().mapToLong(RealWriter.Ack::lsn).max().orElseThrow();
                assertThat(rewound.getDiscardedBytes()).as("measured loss covers every lost commit")
                        .isGreaterThanOrEqualTo(lastLost - diverged);
            }
            delete(id);
        }
    }
}
