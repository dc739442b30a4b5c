package io.datastores.backup.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

import io.datastores.backup.domain.BackupDecider;
import io.datastores.contract.Topics;
import io.datastores.events.BackupCompleted;
import io.datastores.events.BackupEventEnvelope;
import io.datastores.events.BackupRequested;
import io.datastores.events.BackupType;
import io.datastores.events.Cloud;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.Engine;
import io.datastores.events.EventMetadata;
import io.datastores.events.InstanceAccepted;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceReady;
import io.datastores.events.RestorePointsEnvelope;
import io.datastores.events.WalSegmentArchived;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.serde.MockSchemaRegistry;

/** Days of one instance's backups through the topology, with the data plane played by the test. */
class BackupTopologyTest {

    private static final Instant T0 = Instant.parse("2026-03-02T06:00:00Z");

    /** Everything the service published, in order, as text (ids included). */
    private List<String> run(String scope) {
        ContractSerdes serdes = new ContractSerdes("mock://" + scope);
        StreamsBuilder builder = new StreamsBuilder();
        Clock frozen = Clock.fixed(T0, ZoneOffset.UTC);
        BackupTopology.build(builder, serdes, new BackupDecider(Duration.ofDays(7)), frozen, Duration.ofHours(1));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "backup-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/backup-" + UUID.randomUUID());
        List<String> published = new ArrayList<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props, T0)) {
            TestInputTopic<String, InstanceEventEnvelope> instances = driver.createInputTopic(
                    Topics.INSTANCE_EVENTS.name(), Serdes.String().serializer(),
                    serdes.value(Topics.INSTANCE_EVENTS).serializer());
            TestInputTopic<String, DataPlaneEventEnvelope> dataPlane = driver.createInputTopic(
                    Topics.DATA_PLANE_EVENTS.name(), Serdes.String().serializer(),
                    serdes.value(Topics.DATA_PLANE_EVENTS).serializer());
            TestOutputTopic<String, BackupEventEnvelope> backups = driver.createOutputTopic(Topics.BACKUP_EVENTS.name(),
                    Serdes.String().deserializer(), serdes.value(Topics.BACKUP_EVENTS).deserializer());
            TestOutputTopic<String, RestorePointsEnvelope> windows = driver.createOutputTopic(
                    Topics.RESTORE_POINTS.name(), Serdes.String().deserializer(),
                    serdes.value(Topics.RESTORE_POINTS).deserializer());

            instances.pipeInput("i-1", new InstanceEventEnvelope(meta("acc", T0), InstanceAccepted.newBuilder()
                    .setRequestId("r").setOrganizationId("o").setInstanceId("i-1").setDisplayName("db")
                    .setEngine(Engine.MYSQL).setCloud(Cloud.AWS).setRegion("us-east-1").setPlan("STARTUP-4")
                    .setCatalogVersion("v").setNodeCount(1).setServiceHost("h").setBackupRetentionDays(2)
                    .setBackupMode("DAILY").build()), T0);
            instances.pipeInput("i-1", new InstanceEventEnvelope(meta("ready", T0), InstanceReady.newBuilder()
                    .setOrganizationId("o").setInstanceId("i-1").setServiceHost("h").setPort(3306)
                    .setTlsRequired(true).setConnectionLimit(401).setAllowlist(List.of()).setNodes(List.of())
                    .setCatalogVersion("v").build()), T0);
            long position = 0;
            for (Instant t = T0.plus(Duration.ofHours(1)); t.isBefore(T0.plus(Duration.ofDays(6)));
                    t = t.plus(Duration.ofHours(1))) {
                for (BackupEventEnvelope e : backups.readValuesToList()) {
                    published.add(line(e.getMetadata(), e.getPayload()));
                    if (e.getPayload() instanceof BackupRequested r) {
                        dataPlane.pipeInput("i-1", new DataPlaneEventEnvelope(meta(r.getBackupId(), t),
                                new BackupCompleted("i-1", r.getBackupId(), BackupType.FULL, t.minusSeconds(600), t,
                                        100L, "sha256:z", "key-7", position - 500, position)), t);
                    }
                }
                windows.readValuesToList().forEach(w -> published.add(line(w.getMetadata(), w.getPayload())));
                position += 1000;
                dataPlane.pipeInput("i-1", new DataPlaneEventEnvelope(meta("wal-" + position, t),
                        new WalSegmentArchived("i-1", "seg-" + position, position - 1000, position, t)), t);
            }
            backups.readValuesToList().forEach(e -> published.add(line(e.getMetadata(), e.getPayload())));
        } finally {
            MockSchemaRegistry.drop(scope);
        }
        return published;
    }

    private static String line(EventMetadata meta, Object payload) {
        return meta.getEventId() + " " + meta.getOccurredAt() + " " + payload.getClass().getSimpleName() + " " + payload;
    }

    private static EventMetadata meta(String id, Instant at) {
        return new EventMetadata(id, "corr-" + id, null, at, "test");
    }

    @Test
    void theSameLogRunTwiceYieldsTheSameDecisionsAndExpirations() {
        List<String> first = run("backup-replay-1");
        List<String> second = run("backup-replay-2");
        assertThat(first).filteredOn(s -> s.contains("BackupExpired")).as("expirations happened").hasSizeGreaterThan(1);
        assertThat(first).filteredOn(s -> s.contains("RestoreWindowChanged")).isNotEmpty();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void schedulesFollowEventTimeAndTheWindowIsPublished() {
        List<String> out = run("backup-schedule");
        assertThat(out).filteredOn(s -> s.contains("BackupRequested")).hasSizeBetween(6, 8);
        String lastWindow = out.stream().filter(s -> s.contains("RestoreWindowChanged")).reduce((a, b) -> b)
                .orElseThrow();
        assertThat(lastWindow).contains("\"retentionDays\": 2").contains("\"backupMode\": \"DAILY\"");
    }
}
