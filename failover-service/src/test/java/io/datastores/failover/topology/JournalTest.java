package io.datastores.failover.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.datastores.contract.Topics;
import io.datastores.events.EventMetadata;
import io.datastores.events.FailoverCommandEnvelope;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.InputRelayed;
import io.datastores.events.NodeTelemetryEnvelope;
import io.datastores.events.SwitchoverRequested;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.serde.MockSchemaRegistry;
import io.datastores.kit.streams.DeadLetters;

/**
 * All but the instances' acceptances and node requests reach the instance stage through its telemetry partition
 * ({@link Journal}): the live service relays them there, takes each relay once where it reads
 * it back, and dead-letters a relay it did not write; a shadow relays nothing.
 */
class JournalTest {

    private static final String SCOPE = "journal-test";
    private final ContractSerdes serdes = new ContractSerdes("mock://" + SCOPE);
    private final FailoverTopologyTest.TestClock clock = new FailoverTopologyTest.TestClock();
    private TopologyTestDriver driver;

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
        MockSchemaRegistry.drop(SCOPE);
    }

    private EventMetadata meta(String id, String producer) {
        return new EventMetadata(id, "corr-" + id, null, clock.now, producer);
    }

    private TestOutputTopic<String, NodeTelemetryEnvelope> telemetry() {
        return driver.createOutputTopic(Topics.NODE_TELEMETRY.name(), Serdes.String().deserializer(),
                serdes.value(Topics.NODE_TELEMETRY).deserializer());
    }

    private TestInputTopic<String, NodeTelemetryEnvelope> telemetryIn() {
        return driver.createInputTopic(Topics.NODE_TELEMETRY.name(), Serdes.String().serializer(),
                serdes.value(Topics.NODE_TELEMETRY).serializer());
    }

    private void switchover(String id, String instance) {
        driver.createInputTopic(Topics.FAILOVER_COMMANDS.name(), Serdes.String().serializer(),
                serdes.value(Topics.FAILOVER_COMMANDS).serializer())
                .pipeInput(instance, new FailoverCommandEnvelope(meta(id, "console"), new SwitchoverRequested("req-" + id,
                        instance, null, "alice", "")), clock.now);
    }

    private List<String> decided() {
        return driver.createOutputTopic(Topics.FAILOVER_EVENTS.name(), Serdes.String().deserializer(),
                serdes.value(Topics.FAILOVER_EVENTS).deserializer()).readRecordsToList().stream()
                .map(r -> r.value().getPayload().getClass().getSimpleName()).toList();
    }

    @Test
    @DisplayName("an input of another topic is relayed into the telemetry with where it was read, and decided where it is read back")
    void anotherTopicsRecordIsRelayedAndDecidedFromTheTelemetry() {
        driver = HeardTimeTest.driver(serdes, clock, true, null);
        var telemetry = telemetry();
        switchover("op-1", "i-9");

        List<TestRecord<String, NodeTelemetryEnvelope>> written = telemetry.readRecordsToList();
        assertThat(written).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("i-9");
            assertThat(r.value().getMetadata().getProducer()).isEqualTo(FailoverTopology.SERVICE);
            assertThat(r.value().getMetadata().getCausationId()).isEqualTo("op-1");
            InputRelayed relayed = (InputRelayed) r.value().getPayload();
            assertThat(relayed.getSourceTopic()).isEqualTo(Topics.FAILOVER_COMMANDS.name());
            assertThat(relayed.getSourcePartition()).isZero();
            assertThat(relayed.getSourceOffset()).isZero();
        });
        assertThat(decided()).as("read back and decided: the instance is unknown")
                .containsExactly("SwitchoverRejected");
    }

    @Test
    @DisplayName("records that mean nothing to the instance stage are not relayed")
    void nothingToDecideIsNotRelayed() {
        driver = HeardTimeTest.driver(serdes, clock, true, null);
        var telemetry = telemetry();
        driver.createInputTopic(Topics.FAILOVER_EVENTS.name(), Serdes.String().serializer(),
                serdes.value(Topics.FAILOVER_EVENTS).serializer())
                .pipeInput("i-9", new FailoverEventEnvelope(meta("f-1", FailoverTopology.SERVICE),
                        new io.datastores.events.NodeSuspected("i-9", "i-9-n1", "aws:eu-west-1", clock.now, 6_000L)), clock.now);
        assertThat(telemetry.readRecordsToList()).isEmpty();
    }

    @Test
    @DisplayName("an acceptance and the nodes provisioning asks for are read where they are; the instance's readiness is relayed")
    void acceptancesAndNodeRequestsAreReadWhereTheyAre() {
        driver = HeardTimeTest.driver(serdes, clock, true, null);
        var telemetry = telemetry();
        TestInputTopic<String, io.datastores.events.InstanceEventEnvelope> instances = driver.createInputTopic(
                Topics.INSTANCE_EVENTS.name(), Serdes.String().serializer(),
                serdes.value(Topics.INSTANCE_EVENTS).serializer());
        instances.pipeInput("i-9", new io.datastores.events.InstanceEventEnvelope(meta("p-1", "provisioning-service"),
                io.datastores.events.InstanceAccepted.newBuilder().setRequestId("r-9").setOrganizationId("org")
                        .setInstanceId("i-9").setDisplayName("i-9").setEngine(io.datastores.events.Engine.POSTGRESQL)
                        .setCloud(io.datastores.events.Cloud.AWS).setRegion("eu-west-1").setPlan("HOBBYIST-1")
                        .setCatalogVersion("v").setNodeCount(1).setServiceHost("i-9.db.example").build()), clock.now);
        instances.pipeInput("i-9", new io.datastores.events.InstanceEventEnvelope(meta("p-2", "provisioning-service"),
                io.datastores.events.NodeProvisioningRequested.newBuilder().setInstanceId("i-9").setNodeId("i-9-n1")
                        .setRole(io.datastores.events.NodeRole.PRIMARY).setZone("a")
                        .setEngine(io.datastores.events.Engine.POSTGRESQL).setCloud(io.datastores.events.Cloud.AWS)
                        .setRegion("eu-west-1").setPlan("HOBBYIST-1").setEpoch(1).setAttempt(1).build()), clock.now);
        assertThat(telemetry.readRecordsToList()).isEmpty();

        instances.pipeInput("i-9", new io.datastores.events.InstanceEventEnvelope(meta("p-3", "provisioning-service"),
                io.datastores.events.InstanceReady.newBuilder().setOrganizationId("org").setInstanceId("i-9")
                        .setServiceHost("i-9.db.example").setPort(5432).setTlsRequired(true).setConnectionLimit(25)
                        .setAllowlist(List.of()).setCatalogVersion("v")
                        .setNodes(List.of(new io.datastores.events.NodeInfo("i-9-n1",
                                io.datastores.events.NodeRole.PRIMARY, "a", "h", "10.0.0.9")))
                        .build()), clock.now);
        assertThat(telemetry.readRecordsToList()).singleElement()
                .satisfies(r -> assertThat(r.value().getPayload()).isInstanceOf(InputRelayed.class));
    }

    @Test
    @DisplayName("a relay read twice (a rebuild in place, a new application id) is taken once")
    void aRelayReadTwiceIsTakenOnce() {
        driver = HeardTimeTest.driver(serdes, clock, true, null);
        var telemetry = telemetry();
        switchover("op-1", "i-9");
        NodeTelemetryEnvelope copy = telemetry.readRecordsToList().get(0).value();
        List<String> first = decided();
        assertThat(first).as("a switchover of an unknown instance is refused with the reason").isNotEmpty();

        telemetryIn().pipeInput("i-9", copy, clock.now);
        assertThat(telemetry.readRecordsToList()).as("a copy read back is not relayed again").isEmpty();
        assertThat(decided()).as("the second copy of the same source record").isEmpty();

        switchover("op-2", "i-9");
        assertThat(decided()).as("the next record of the source").isEqualTo(first);
    }

    @Test
    @DisplayName("a relay failover-service did not write, or of a topic it does not read, is dead-lettered with the reason")
    void aForeignRelayIsDeadLettered() {
        driver = HeardTimeTest.driver(serdes, clock, true, null);
        TestOutputTopic<String, byte[]> dlq = driver.createOutputTopic(Topics.NODE_TELEMETRY.deadLetterTopic(),
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        byte[] request = serdes.value(Topics.FAILOVER_COMMANDS).serializer().serialize(Topics.FAILOVER_COMMANDS.name(),
                new FailoverCommandEnvelope(meta("op-1", "console"), new SwitchoverRequested("req-1", "i-9", null,
                        "alice", "")));
        var in = telemetryIn();
        in.pipeInput("i-9", new NodeTelemetryEnvelope(meta("r-1", "intruder"),
                new InputRelayed(Topics.FAILOVER_COMMANDS.name(), 0, 0L, ByteBuffer.wrap(request))), clock.now);
        in.pipeInput("i-9", new NodeTelemetryEnvelope(meta("r-2", FailoverTopology.SERVICE),
                new InputRelayed(Topics.INSTANCE_REQUESTS.name(), 0, 0L, ByteBuffer.wrap(request))), clock.now);
        in.pipeInput("i-9", new NodeTelemetryEnvelope(meta("r-3", FailoverTopology.SERVICE),
                new InputRelayed(Topics.FAILOVER_COMMANDS.name(), 0, 0L, ByteBuffer.wrap(new byte[] {1, 2, 3}))), clock.now);

        assertThat(dlq.readRecordsToList().stream().map(r -> new String(r.getHeaders()
                .lastHeader(DeadLetters.ERROR).value(), StandardCharsets.UTF_8)))
                .satisfiesExactly(
                        e -> assertThat(e).isEqualTo("an InputRelayed from 'intruder': only failover-service writes them"),
                        e -> assertThat(e).startsWith("an InputRelayed from 'dcp.instance-requests', which failover-service does not relay"),
                        e -> assertThat(e).startsWith("an InputRelayed whose value is not a record of dcp.failover-commands"));
        assertThat(decided()).isEmpty();
    }

    @Test
    @DisplayName("a shadow relays nothing")
    void aShadowRelaysNothing() {
        driver = HeardTimeTest.driver(serdes, clock, false, "shadow-decisions");
        var telemetry = telemetry();
        driver.createInputTopic(Topics.FAILOVER_COMMANDS.name(), Serdes.String().serializer(),
                serdes.value(Topics.FAILOVER_COMMANDS).serializer())
                .pipeInput("i-9", new FailoverCommandEnvelope(meta("op-1", "console"), new SwitchoverRequested("req-1",
                        "i-9", null, "alice", "")), Instant.from(clock.now));
        assertThat(telemetry.readRecordsToList()).isEmpty();
        assertThat(driver.producedTopicNames()).doesNotContain(Topics.NODE_TELEMETRY.name());
    }
}
