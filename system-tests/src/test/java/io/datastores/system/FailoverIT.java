package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.datastores.contract.Topics;
import io.datastores.events.DataPlaneCommandFailed;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.DataPlaneFailure;
import io.datastores.events.Engine;
import io.datastores.events.EndpointMoved;
import io.datastores.events.FailoverCompleted;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.InstanceAccepted;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceReady;
import io.datastores.events.NodeDiagnosticsReported;
import io.datastores.events.NodeHeartbeat;
import io.datastores.events.NodeInfo;
import io.datastores.events.NodeRole;
import io.datastores.events.NodeTelemetryEnvelope;
import io.datastores.events.ReplacementNodeRequested;
import io.datastores.events.RestoreRequested;
import io.datastores.events.StandbyPromoted;
import io.datastores.events.SwitchoverAborted;
import io.datastores.events.SwitchoverRejected;
import io.datastores.events.SwitchoverStarted;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.testkit.KafkaBrokerExtension;
import io.datastores.testkit.SchemaRegistryExtension;

/**
 * Failover on the real broker and registry, every part its own process: the simulator kills a
 * Premium primary and a single-node instance's only node.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailoverIT {

    private static final String ORG = "org-failover";
    private static final ObjectMapper JSON = new ObjectMapper();
    private ControlPlane plane;
    private Platform platform;
    private ContractSerdes serdes;

    @BeforeAll
    void start() throws Exception {
        serdes = new ContractSerdes(SchemaRegistryExtension.url());
        plane = new ControlPlane(KafkaBrokerExtension.bootstrapServers(), SchemaRegistryExtension.url(),
                Files.createTempDirectory("failover"), Map.of("dcp.failover.stability", "0s")).start();
        platform = new Platform(KafkaBrokerExtension.bootstrapServers(), serdes);
        platform.pays(ORG, plane);
    }

    @AfterAll
    void stop() {
        if (plane != null) {
            plane.close();
        }
    }

    private <T> List<T> instanceEvents(TopicReader reader, String id, Class<T> type) {
        return reader.poll().stream().filter(r -> id.equals(r.key()))
                .map(r -> serdes.value(Topics.INSTANCE_EVENTS).deserializer().deserialize(r.topic(), r.value()))
                .map(InstanceEventEnvelope::getPayload).filter(type::isInstance).map(type::cast).toList();
    }

    private <T> List<T> failoverEvents(TopicReader reader, String id, Class<T> type) {
        return reader.poll().stream().filter(r -> id.equals(r.key()))
                .map(r -> serdes.value(Topics.FAILOVER_EVENTS).deserializer().deserialize(r.topic(), r.value()))
                .map(FailoverEventEnvelope::getPayload).filter(type::isInstance).map(type::cast).toList();
    }

    /** Requests an instance and waits for it to be ready; returns the ready event. */
    private InstanceReady ready(String id, String plan, TopicReader instances) throws Exception {
        try (var producer = platform.requests()) {
            producer.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), id,
                    Platform.request(ORG, id, plan, Engine.POSTGRESQL))).get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> !instanceEvents(instances, id, InstanceReady.class).isEmpty());
        return instanceEvents(instances, id, InstanceReady.class).get(0);
    }

    private JsonNode failoverView(String id, String what) throws Exception {
        var response = platform.get(plane.url("failover-service", "/instances/" + id + "/" + what));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    @DisplayName("a Premium primary killed: the most advanced standby is primary within detection + 1 s, same URI")
    void premiumPrimaryKilled() throws Exception {
        String id = "fo-" + UUID.randomUUID();
        try (TopicReader instances = new TopicReader(KafkaBrokerExtension.bootstrapServers(),
                Topics.INSTANCE_EVENTS.name());
                TopicReader failovers = new TopicReader(KafkaBrokerExtension.bootstrapServers(),
                        Topics.FAILOVER_EVENTS.name());
                TopicReader telemetry = new TopicReader(KafkaBrokerExtension.bootstrapServers(),
                        Topics.NODE_TELEMETRY.name())) {
            InstanceReady ready = ready(id, "PREMIUM-8", instances);
            String serviceHost = instanceEvents(instances, id, InstanceAccepted.class).get(0).getServiceHost();
            String primary = ready.getNodes().stream().filter(n -> n.getRole() == NodeRole.PRIMARY)
                    .map(NodeInfo::getNodeId).findFirst().orElseThrow();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    failoverView(id, "nodes").get("nodes")).hasSize(3)
                    .allSatisfy(n -> assertThat(n.has("lastHeartbeatAt")).as("heard from: %s", n).isTrue()));

            long killedAt = System.currentTimeMillis();
            assertThat(platform.post(plane.url("simulator", "/nodes/" + primary + "/fail"), "").statusCode())
                    .isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !failoverEvents(failovers, id, StandbyPromoted.class).isEmpty());
            long promotedAfter = System.currentTimeMillis() - killedAt;
            StandbyPromoted promoted = failoverEvents(failovers, id, StandbyPromoted.class).get(0);

            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !failoverEvents(failovers, id, FailoverCompleted.class).isEmpty());
            FailoverCompleted done = failoverEvents(failovers, id, FailoverCompleted.class).get(0);
            assertThat(promotedAfter).as("kill to StandbyPromoted readable, ms (detection %s ms)",
                    done.getDetectionMillis()).isLessThanOrEqualTo(done.getDetectionMillis() + 1_000);
            System.out.printf("failover: kill -> StandbyPromoted readable %d ms; detection %d ms, promotion (to the new"
                    + " primary's first heartbeat at epoch 2) %d ms, unavailable %d ms, loss %d bytes%n", promotedAfter,
                    done.getDetectionMillis(), done.getPromotionMillis(), done.getUnavailableMillis(),
                    done.getEstimatedDataLossBytes());
            assertThat(promoted.getEpoch()).isEqualTo(2);
            assertThat(promoted.getPreviousPrimaryNodeId()).isEqualTo(primary);

            // the other standby was not ahead of the one promoted, as far as failover had heard
            long diagnosisOffset = telemetry.pollToEnd().stream().filter(r -> id.equals(r.key()))
                    .filter(r -> telemetryOf(r).getPayload() instanceof NodeDiagnosticsReported)
                    .mapToLong(ConsumerRecord::offset).min().orElseThrow();
            Optional<Long> otherLast = telemetry.pollToEnd().stream().filter(r -> id.equals(r.key()))
                    .filter(r -> r.offset() < diagnosisOffset)
                    .map(r -> telemetryOf(r).getPayload()).filter(NodeHeartbeat.class::isInstance)
                    .map(NodeHeartbeat.class::cast)
                    .filter(h -> h.getRole() == NodeRole.STANDBY && !h.getNodeId().equals(promoted.getNodeId()))
                    .map(NodeHeartbeat::getReplicationPosition).reduce((a, b) -> b);
            assertThat(otherLast).isPresent();
            assertThat(promoted.getReplicationPosition()).isGreaterThanOrEqualTo(otherLast.get());

            assertThat(failoverEvents(failovers, id, EndpointMoved.class)).singleElement()
                    .satisfies(m -> assertThat(m.getServiceHost()).isEqualTo(serviceHost));
            assertThat(failoverEvents(failovers, id, ReplacementNodeRequested.class)).singleElement()
                    .satisfies(r -> assertThat(r.getReplacesNodeId()).isEqualTo(primary));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    instanceEvents(instances, id, InstanceReady.class)).last().satisfies(r -> {
                        assertThat(r.getServiceHost()).isEqualTo(serviceHost);
                        assertThat(r.getNodes()).hasSize(3).anySatisfy(n -> {
                            assertThat(n.getNodeId()).isEqualTo(promoted.getNodeId());
                            assertThat(n.getRole()).isEqualTo(NodeRole.PRIMARY);
                        }).noneSatisfy(n -> assertThat(n.getNodeId()).isEqualTo(primary));
                    }));

            JsonNode history = failoverView(id, "failovers");
            assertThat(history.get("epoch").asLong()).isEqualTo(2);
            JsonNode last = history.get("history").get(0);
            assertThat(last.get("state").asText()).isEqualTo("COMPLETED");
            assertThat(last.get("failedNodeId").asText()).isEqualTo(primary);
            assertThat(last.get("promotedNodeId").asText()).isEqualTo(promoted.getNodeId());
            assertThat(last.get("detectionMillis").asLong()).isEqualTo(done.getDetectionMillis());
            assertThat(last.get("promotionMillis").asLong()).isEqualTo(done.getPromotionMillis());
            assertThat(last.get("phases")).extracting(p -> p.get("name").asText())
                    .containsSubsequence("STARTED", "PROMOTED", "ENDPOINT_MOVED", "REPLACEMENT_REQUESTED", "COMPLETED");
        }
    }

    @Test
    @DisplayName("a Startup node killed: a replacement restores from the latest backup; loss window reported")
    void singleNodeRestored() throws Exception {
        String id = "fo1-" + UUID.randomUUID();
        try (TopicReader instances = new TopicReader(KafkaBrokerExtension.bootstrapServers(),
                Topics.INSTANCE_EVENTS.name());
                TopicReader failovers = new TopicReader(KafkaBrokerExtension.bootstrapServers(),
                        Topics.FAILOVER_EVENTS.name())) {
            InstanceReady ready = ready(id, "STARTUP-2", instances);
            String node = ready.getNodes().get(0).getNodeId();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    failoverView(id, "nodes").path("restorePoint").has("latestBackupId"))
                    .as("a full backup is known").isTrue());

            platform.post(plane.url("simulator", "/nodes/" + node + "/fail"), "");

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !failoverEvents(failovers, id, FailoverCompleted.class).isEmpty());
            RestoreRequested restore = failoverEvents(failovers, id, RestoreRequested.class).get(0);
            assertThat(restore.getBackupId()).isNotBlank();
            FailoverCompleted done = failoverEvents(failovers, id, FailoverCompleted.class).get(0);
            System.out.printf("restore: unavailable %d ms, data-loss window %d ms%n", done.getUnavailableMillis(),
                    done.getDataLossWindowMillis());
            assertThat(done.getKind()).isEqualTo("RESTORE");
            assertThat(done.getPrimaryNodeId()).isEqualTo(restore.getNodeId());
            assertThat(done.getDataLossWindowMillis()).isNotNull().isNotNegative();
            assertThat(done.getUnavailableMillis()).isPositive();
            assertThat(done.getNote()).contains("lost");
        }
    }

    @Test
    @DisplayName("a planned switchover over HTTP: refused with the reason, or started, and aborted by the data plane")
    void plannedSwitchoverRoute() throws Exception {
        String id = "so-" + UUID.randomUUID();
        String single = "so1-" + UUID.randomUUID();
        try (TopicReader instances = new TopicReader(KafkaBrokerExtension.bootstrapServers(),
                Topics.INSTANCE_EVENTS.name());
                TopicReader failovers = new TopicReader(KafkaBrokerExtension.bootstrapServers(),
                        Topics.FAILOVER_EVENTS.name())) {
            ready(id, "BUSINESS-4", instances);
            ready(single, "HOBBYIST", instances);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    failoverView(id, "nodes").get("nodes")).hasSize(2)
                    .allSatisfy(n -> assertThat(n.has("lastHeartbeatAt")).as("heard from: %s", n).isTrue()));

            var refused = platform.post(plane.url("failover-service", "/instances/" + single + "/switchover"),
                    "{\"operator\": \"it\"}");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
            assertThat(refused.body()).contains("single node");
            assertThat(failoverEvents(failovers, single, SwitchoverRejected.class)).hasSize(1);

            var asked = platform.post(plane.url("failover-service", "/instances/" + id + "/switchover"),
                    "{\"operator\": \"it\", \"note\": \"kernel update\", \"requestId\": \"so-req-1\"}");
            assertThat(asked.statusCode()).as(asked.body()).isEqualTo(200);
            assertThat(JSON.readTree(asked.body()).get("requestId").asText()).isEqualTo("so-req-1");
            assertThat(JSON.readTree(asked.body()).get("switchoverId").asText()).isNotBlank();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !failoverEvents(failovers, id, SwitchoverStarted.class).isEmpty());
            assertThat(failoverEvents(failovers, id, SwitchoverStarted.class).get(0).getRequestId())
                    .isEqualTo("so-req-1");
            // the simulator prepares no switchover; the test says what a data plane says when it cannot
            SwitchoverStarted started = failoverEvents(failovers, id, SwitchoverStarted.class).get(0);
            try (var dataPlane = new org.apache.kafka.clients.producer.KafkaProducer<String, DataPlaneEventEnvelope>(
                    Map.of(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            KafkaBrokerExtension.bootstrapServers()),
                    new org.apache.kafka.common.serialization.StringSerializer(),
                    serdes.value(Topics.DATA_PLANE_EVENTS).serializer())) {
                dataPlane.send(new ProducerRecord<>(Topics.DATA_PLANE_EVENTS.name(), id, new DataPlaneEventEnvelope(
                        Platform.meta("it-dataplane"), new DataPlaneCommandFailed(id, started.getToNodeId(),
                                "SwitchoverStarted", 1L, 1L, DataPlaneFailure.SERVER_ERROR,
                                "pg_ctl: server did not stop in time", started.getSwitchoverId()))))
                        .get(30, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !failoverEvents(failovers, id, SwitchoverAborted.class).isEmpty());
            assertThat(failoverEvents(failovers, id, SwitchoverAborted.class).get(0).getReason())
                    .endsWith("pg_ctl: server did not stop in time");
            JsonNode last = failoverView(id, "failovers").get("history").get(0);
            assertThat(last.get("kind").asText()).isEqualTo("SWITCHOVER");
            assertThat(last.get("state").asText()).isEqualTo("ABORTED");
            assertThat(failoverEvents(failovers, id, StandbyPromoted.class)).as("nothing was promoted").isEmpty();
            assertThat(failoverEvents(failovers, id, io.datastores.events.NodeFailed.class)).isEmpty();
        }
    }

    private NodeTelemetryEnvelope telemetryOf(ConsumerRecord<String, byte[]> r) {
        return serdes.value(Topics.NODE_TELEMETRY).deserializer().deserialize(r.topic(), r.value());
    }
}
