package io.datastores.failover.topology;

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
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.datastores.contract.Topics;
import io.datastores.events.Cloud;
import io.datastores.events.DataLossMeasured;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.DiagnosticSeverity;
import io.datastores.events.Engine;
import io.datastores.events.EventMetadata;
import io.datastores.events.FailoverCommandEnvelope;
import io.datastores.events.FailoverCompleted;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.InstanceAccepted;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceReady;
import io.datastores.events.NodeDiagnosticsReported;
import io.datastores.events.NodeFailed;
import io.datastores.events.NodeHeartbeat;
import io.datastores.events.NodeInfo;
import io.datastores.events.NodeLossConfirmed;
import io.datastores.events.NodeRewound;
import io.datastores.events.NodeRole;
import io.datastores.events.NodeTelemetryEnvelope;
import io.datastores.events.RegionFailoverDecision;
import io.datastores.events.RegionFailoverPaused;
import io.datastores.events.RegionFailoverResumed;
import io.datastores.events.ReplacementCancelled;
import io.datastores.events.ReplacementNodeRequested;
import io.datastores.events.RestoreRequested;
import io.datastores.events.StandbyPromoted;
import io.datastores.events.SwitchoverPrepared;
import io.datastores.events.SwitchoverRejected;
import io.datastores.events.SwitchoverRequested;
import io.datastores.events.SwitchoverStarted;
import io.datastores.failover.domain.FailoverDecider;
import io.datastores.failover.domain.FailoverPolicy;
import io.datastores.failover.domain.RegionGuardDecider;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.serde.MockSchemaRegistry;

class FailoverTopologyTest {

    static final Instant START = Instant.parse("2026-11-22T10:00:00Z");
    static final String SCOPE = "failover-topology-test";

    /** A wall clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = START;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private TestClock clock;
    private TopologyTestDriver driver;
    private TestInputTopic<String, InstanceEventEnvelope> instances;
    private TestInputTopic<String, NodeTelemetryEnvelope> telemetry;
    private TestInputTopic<String, byte[]> rawTelemetry;
    private TestInputTopic<String, FailoverCommandEnvelope> operators;
    private TestInputTopic<String, DataPlaneEventEnvelope> dataPlane;
    private org.apache.kafka.streams.Topology topology;
    private TestOutputTopic<String, FailoverEventEnvelope> out;
    private TestOutputTopic<String, byte[]> telemetryDlq;
    private int seq;

    @BeforeEach
    void setUp() {
        start();
    }

    private void start() {
        clock = new TestClock();
        seq = 0;
        ContractSerdes serdes = new ContractSerdes("mock://" + SCOPE);
        StreamsBuilder builder = new StreamsBuilder();
        FailoverTopology.build(builder, serdes, new FailoverDecider(FailoverPolicy.defaults()),
                new RegionGuardDecider(new RegionGuardDecider.Guard(Duration.ofSeconds(3), 0.3, 5)), clock,
                Duration.ofMillis(500), true, 1);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "failover-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/failover-test-"
                + UUID.randomUUID());
        topology = builder.build();
        driver = new TopologyTestDriver(topology, props, START);
        instances = driver.createInputTopic(Topics.INSTANCE_EVENTS.name(), Serdes.String().serializer(),
                serdes.value(Topics.INSTANCE_EVENTS).serializer());
        telemetry = driver.createInputTopic(Topics.NODE_TELEMETRY.name(), Serdes.String().serializer(),
                serdes.value(Topics.NODE_TELEMETRY).serializer());
        rawTelemetry = driver.createInputTopic(Topics.NODE_TELEMETRY.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        operators = driver.createInputTopic(Topics.FAILOVER_COMMANDS.name(), Serdes.String().serializer(),
                serdes.value(Topics.FAILOVER_COMMANDS).serializer());
        dataPlane = driver.createInputTopic(Topics.DATA_PLANE_EVENTS.name(), Serdes.String().serializer(),
                serdes.value(Topics.DATA_PLANE_EVENTS).serializer());
        out = driver.createOutputTopic(Topics.FAILOVER_EVENTS.name(), Serdes.String().deserializer(),
                serdes.value(Topics.FAILOVER_EVENTS).deserializer());
        telemetryDlq = driver.createOutputTopic(Topics.NODE_TELEMETRY.deadLetterTopic(),
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
        MockSchemaRegistry.drop(SCOPE);
    }

    private EventMetadata meta() {
        String id = "ev-" + (++seq);
        return new EventMetadata(id, "corr-" + id, null, clock.now, "test");
    }

    /** Moves the wall clock, letting the timers run. */
    private void advance(Duration d) {
        for (long ms = 0; ms < d.toMillis(); ms += 500) {
            clock.now = clock.now.plusMillis(500);
            driver.advanceWallClockTime(Duration.ofMillis(500));
        }
    }

    private void instance(String id, String plan, int nodes) {
        instances.pipeInput(id, new InstanceEventEnvelope(meta(), InstanceAccepted.newBuilder().setRequestId("r-" + id)
                .setOrganizationId("org").setInstanceId(id).setDisplayName(id).setEngine(Engine.POSTGRESQL)
                .setCloud(Cloud.AWS).setRegion("eu-west-1").setPlan(plan).setCatalogVersion("v").setNodeCount(nodes)
                .setServiceHost(id + ".db.example").build()), clock.now);
        List<NodeInfo> info = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            info.add(new NodeInfo(id + "-n" + i, i == 1 ? NodeRole.PRIMARY : NodeRole.STANDBY, "z" + i, "h",
                    "10.0." + seq + "." + i));
        }
        instances.pipeInput(id, new InstanceEventEnvelope(meta(), InstanceReady.newBuilder().setOrganizationId("org")
                .setInstanceId(id).setServiceHost(id + ".db.example").setPort(5432).setTlsRequired(true)
                .setConnectionLimit(100).setAllowlist(List.of()).setNodes(info).setCatalogVersion("v").build()),
                clock.now);
    }

    private void beat(String id, String node, NodeRole role, long position, long epoch) {
        telemetry.pipeInput(id, new NodeTelemetryEnvelope(meta(), new NodeHeartbeat(id, node, role, position, epoch)),
                clock.now);
    }

    private List<TestRecord<String, FailoverEventEnvelope>> drain() {
        return out.readRecordsToList();
    }

    private static <T> List<T> payloads(List<TestRecord<String, FailoverEventEnvelope>> records, Class<T> type) {
        return records.stream().map(r -> r.value().getPayload()).filter(type::isInstance).map(type::cast).toList();
    }

    private List<TestRecord<String, FailoverEventEnvelope>> premiumPrimaryLost() {
        instance("i-1", "PREMIUM-8", 3);
        beat("i-1", "i-1-n1", NodeRole.PRIMARY, 10_000, 1);
        beat("i-1", "i-1-n2", NodeRole.STANDBY, 9_800, 1);
        beat("i-1", "i-1-n3", NodeRole.STANDBY, 9_900, 1);
        clock.now = clock.now.plusSeconds(1);
        telemetry.pipeInput("i-1", new NodeTelemetryEnvelope(meta(), new NodeDiagnosticsReported("i-1", "i-1-n1",
                DiagnosticSeverity.SEVERE, "storage lost")), clock.now);
        clock.now = clock.now.plusSeconds(1);
        beat("i-1", "i-1-n3", NodeRole.PRIMARY, 9_950, 2);
        return drain();
    }

    @Test
    void premiumPrimaryLost_mostAdvancedStandbyPromotedAtNewEpochAndFailoverCompleted() {
        List<TestRecord<String, FailoverEventEnvelope>> records = premiumPrimaryLost();

        assertThat(records).allSatisfy(r -> assertThat(r.key()).isEqualTo("i-1"));
        assertThat(records.stream().map(r -> r.value().getPayload().getClass().getSimpleName()))
                .containsExactly("NodeFailed", "FailoverStarted", "StandbyPromoted", "EndpointMoved",
                        "ReplacementNodeRequested", "FailoverCompleted");
        StandbyPromoted promoted = payloads(records, StandbyPromoted.class).get(0);
        assertThat(promoted.getNodeId()).isEqualTo("i-1-n3");
        assertThat(promoted.getEpoch()).isEqualTo(2);
        FailoverCompleted done = payloads(records, FailoverCompleted.class).get(0);
        assertThat(done.getPromotionMillis()).isEqualTo(1_000);
        assertThat(done.getDetectionMillis()).isEqualTo(1_000);
        assertThat(done.getEstimatedDataLossBytes()).isEqualTo(100);
        assertThat(done.getFailoverId()).isEqualTo(promoted.getFailoverId()).isNotBlank();
        assertThat(payloads(records, ReplacementNodeRequested.class).get(0).getRegion()).isEqualTo("AWS:eu-west-1");
    }

    /**
     * A node is known from provisioning's request: a primary that says it is lost before
     * {@code InstanceReady} gives its address (after a broker's outage that relay has come 17 s late) is
     * failed over, not ignored as an unknown node's, and its standby is promoted once its address is
     * known. That the requests are read where they are, not relayed, is {@code JournalTest}'s.
     */
    @Test
    void aPrimaryLostBeforeItsInstanceIsReady_isFailedOverFromItsRequest() {
        String id = "i-1";
        instances.pipeInput(id, new InstanceEventEnvelope(meta(), InstanceAccepted.newBuilder().setRequestId("r-1")
                .setOrganizationId("org").setInstanceId(id).setDisplayName(id).setEngine(Engine.POSTGRESQL)
                .setCloud(Cloud.AWS).setRegion("eu-west-1").setPlan("BUSINESS-4").setCatalogVersion("v")
                .setNodeCount(2).setServiceHost(id + ".db.example").build()), clock.now);
        for (int i = 1; i <= 2; i++) {
            instances.pipeInput(id, new InstanceEventEnvelope(meta(), io.datastores.events.NodeProvisioningRequested
                    .newBuilder().setInstanceId(id).setNodeId(id + "-n" + i)
                    .setRole(i == 1 ? NodeRole.PRIMARY : NodeRole.STANDBY).setZone("z" + i)
                    .setEngine(Engine.POSTGRESQL).setCloud(Cloud.AWS).setRegion("eu-west-1").setPlan("BUSINESS-4")
                    .setEpoch(1).setAttempt(1).build()), clock.now);
        }
        beat(id, id + "-n2", NodeRole.STANDBY, 500, 1);
        clock.now = clock.now.plusSeconds(1);
        telemetry.pipeInput(id, new NodeTelemetryEnvelope(meta(), new NodeDiagnosticsReported(id, id + "-n1",
                DiagnosticSeverity.SEVERE, "could not start: data directory unreadable")), clock.now);

        List<TestRecord<String, FailoverEventEnvelope>> lost = drain();
        assertThat(lost.stream().map(r -> r.value().getPayload().getClass().getSimpleName()))
                .contains("NodeFailed", "FailoverStarted").doesNotContain("StaleSignalIgnored", "StandbyPromoted");

        clock.now = clock.now.plusSeconds(1);
        instances.pipeInput(id, new InstanceEventEnvelope(meta(), InstanceReady.newBuilder().setOrganizationId("org")
                .setInstanceId(id).setServiceHost(id + ".db.example").setPort(5432).setTlsRequired(true)
                .setConnectionLimit(100).setAllowlist(List.of())
                .setNodes(List.of(new NodeInfo(id + "-n1", NodeRole.PRIMARY, "z1", "h", "10.0.0.1"),
                        new NodeInfo(id + "-n2", NodeRole.STANDBY, "z2", "h", "10.0.0.2")))
                .setCatalogVersion("v").build()), clock.now);
        clock.now = clock.now.plusSeconds(1);
        beat(id, id + "-n2", NodeRole.STANDBY, 500, 1);

        assertThat(payloads(drain(), StandbyPromoted.class)).singleElement()
                .satisfies(p -> assertThat(p.getNodeId()).isEqualTo(id + "-n2"));
    }

    @Test
    void aReplayOfTheSameInputDecidesTheSameEventsWithTheSameIds() {
        List<String> first = premiumPrimaryLost().stream().map(r -> r.value().getMetadata().getEventId()
                + r.value().getPayload()).toList();
        driver.close();
        MockSchemaRegistry.drop(SCOPE);
        start();
        List<String> second = premiumPrimaryLost().stream().map(r -> r.value().getMetadata().getEventId()
                + r.value().getPayload()).toList();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void silentPrimary_isSuspectedThenConfirmedByTheRegionThenFailedOver() {
        instance("i-1", "BUSINESS-4", 2);
        for (int s = 0; s < 12; s++) {
            beat("i-1", "i-1-n2", NodeRole.STANDBY, 500, 1);
            if (s < 2) {
                beat("i-1", "i-1-n1", NodeRole.PRIMARY, 500, 1);
            }
            advance(Duration.ofSeconds(1));
        }
        List<TestRecord<String, FailoverEventEnvelope>> records = drain();

        List<String> types = records.stream().map(r -> r.value().getPayload().getClass().getSimpleName()).toList();
        assertThat(types).containsSubsequence("NodeSuspected", "NodeLossConfirmed", "NodeFailed", "FailoverStarted",
                "StandbyPromoted");
        assertThat(payloads(records, NodeFailed.class).get(0).getDetectedBy()).isEqualTo("HEARTBEAT");
        assertThat(payloads(records, NodeLossConfirmed.class).get(0).getRegion()).isEqualTo("AWS:eu-west-1");
    }

    @Test
    void massSilenceInARegion_pausesFailoverUntilAnOperatorConfirms() {
        for (int i = 1; i <= 6; i++) {
            instance("i-" + i, "STARTUP-2", 1);
            beat("i-" + i, "i-" + i + "-n1", NodeRole.PRIMARY, 100, 1);
        }
        advance(Duration.ofSeconds(12));
        List<TestRecord<String, FailoverEventEnvelope>> paused = drain();

        assertThat(payloads(paused, RegionFailoverPaused.class)).singleElement().satisfies(p -> {
            assertThat(p.getSilentNodes()).isEqualTo(6);
            assertThat(p.getMonitoredNodes()).isEqualTo(6);
        });
        assertThat(paused.stream().filter(r -> r.value().getPayload() instanceof RegionFailoverPaused))
                .allSatisfy(r -> assertThat(r.key()).isEqualTo("AWS:eu-west-1"));
        assertThat(payloads(paused, NodeFailed.class)).isEmpty();

        String requestId = "request-1"; // as the command gateway stamps it: event id and correlation id
        operators.pipeInput("AWS:eu-west-1", new FailoverCommandEnvelope(new EventMetadata(requestId, requestId, null,
                clock.now, "test"), new RegionFailoverDecision("AWS:eu-west-1", "CONFIRM", "alice", "AZ outage")),
                clock.now);
        advance(Duration.ofSeconds(2)); // the guard decides once every instance partition has passed its time
        List<TestRecord<String, FailoverEventEnvelope>> confirmed = drain();
        assertThat(payloads(confirmed, NodeFailed.class)).hasSize(6);
        assertThat(payloads(confirmed, RestoreRequested.class)).hasSize(6);
        assertThat(payloads(confirmed, RegionFailoverResumed.class)).singleElement()
                .satisfies(r -> assertThat(r.getAction()).isEqualTo("CONFIRMED"));
        assertThat(confirmed.stream().filter(r -> r.value().getPayload() instanceof RegionFailoverResumed))
                .as("the verdict the operator's HTTP request waits for: keyed by region, in the request's conversation")
                .singleElement().satisfies(r -> {
                    assertThat(r.key()).isEqualTo("AWS:eu-west-1");
                    assertThat(r.value().getMetadata().getCorrelationId()).isEqualTo(requestId);
                });
    }

    @Test
    void aRegionWideOutageCostsOneSmallRecordPerSignal_notARewriteOfTheRegionsState() {
        int silent = 300;
        for (int i = 1; i <= silent; i++) {
            instance("i-" + i, "STARTUP-2", 1);
            beat("i-" + i, "i-" + i + "-n1", NodeRole.PRIMARY, 100, 1);
        }
        var regionChangelog = driver.createOutputTopic("failover-test-" + FailoverTopology.REGION_STORE + "-changelog",
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        regionChangelog.readRecordsToList(); // the counts of the instances' nodes
        advance(Duration.ofSeconds(12));

        assertThat(payloads(drain(), RegionFailoverPaused.class)).singleElement()
                .satisfies(p -> assertThat(p.getSilentNodes()).isEqualTo(silent));
        var writes = regionChangelog.readRecordsToList();
        assertThat(writes).as("the region's state is written once per advance of the clock, not per signal")
                .hasSizeLessThan(30);
        try (var waiting = driver.getKeyValueStore(FailoverTopology.REGION_QUEUE_STORE).all()) {
            assertThat(waiting.hasNext()).as("no signal is left waiting once time has passed it").isFalse();
        }
    }

    @Test
    void aHeartbeatRewritesOnlyWhatItChanged_tensOfBytes_notTheInstance() {
        instance("i-1", "PREMIUM-8", 3);
        for (int n = 1; n <= 3; n++) {
            beat("i-1", "i-1-n" + n, n == 1 ? NodeRole.PRIMARY : NodeRole.STANDBY, 10_000, 1);
        }
        var whole = driver.createOutputTopic("failover-test-" + FailoverTopology.STORE + "-changelog",
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        var heard = driver.createOutputTopic("failover-test-" + FailoverTopology.HEARD_STORE + "-changelog",
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        whole.readRecordsToList();
        heard.readRecordsToList();

        for (int i = 1; i <= 30; i++) {
            clock.now = clock.now.plusMillis(700);
            beat("i-1", "i-1-n" + (i % 3 + 1), i % 3 == 0 ? NodeRole.PRIMARY : NodeRole.STANDBY, 10_000 + i, 1);
        }

        assertThat(whole.readRecordsToList()).as("the instance's state is not rewritten by heartbeats").isEmpty();
        var writes = heard.readRecordsToList();
        assertThat(writes).hasSize(30);
        assertThat(writes).allSatisfy(w -> assertThat(w.value().length).as("bytes a heartbeat writes")
                .isLessThan(80));
        // and what the stores hold together is the instance as the heartbeats left it
        var health = FailoverTopology.health(driver.getKeyValueStore(FailoverTopology.STORE),
                driver.getKeyValueStore(FailoverTopology.HEARD_STORE), "i-1");
        assertThat(health.node("i-1-n1").orElseThrow().position()).isEqualTo(10_030);
        assertThat(health.node("i-1-n1").orElseThrow().lastHeartbeatAt()).isEqualTo(clock.now);
    }

    @Test
    void aFailoverRewritesTheInstanceAndTheStoresTogetherHoldWhatTheDeciderDecided() {
        premiumPrimaryLost();
        var health = FailoverTopology.health(driver.getKeyValueStore(FailoverTopology.STORE),
                driver.getKeyValueStore(FailoverTopology.HEARD_STORE), "i-1");
        assertThat(health.epoch()).isEqualTo(2);
        assertThat(health.primary().orElseThrow().nodeId()).isEqualTo("i-1-n3");
        assertThat(health.primary().orElseThrow().position()).isEqualTo(9_950);
        assertThat(health.history()).singleElement().satisfies(f -> assertThat(f.promotedNodeId())
                .isEqualTo("i-1-n3"));
    }

    private static List<String> types(List<TestRecord<String, FailoverEventEnvelope>> records) {
        return records.stream().map(r -> r.value().getPayload().getClass().getSimpleName()).toList();
    }

    @Test
    void aPlannedSwitchoverAskedOnTheCommandTopicIsPreparedPromotedAndCompletedWithNothingLost() {
        instance("i-1", "PREMIUM-8", 3);
        beat("i-1", "i-1-n1", NodeRole.PRIMARY, 10_000, 1);
        beat("i-1", "i-1-n2", NodeRole.STANDBY, 9_800, 1);
        beat("i-1", "i-1-n3", NodeRole.STANDBY, 9_900, 1);
        drain();
        operators.pipeInput("i-1", new FailoverCommandEnvelope(meta(), new SwitchoverRequested("req-1", "i-1", null,
                "alice", "kernel update")), clock.now);
        List<TestRecord<String, FailoverEventEnvelope>> started = drain();
        assertThat(started).singleElement().satisfies(r -> assertThat(r.key()).isEqualTo("i-1"));
        SwitchoverStarted s = payloads(started, SwitchoverStarted.class).get(0);
        assertThat(s.getFromNodeId()).isEqualTo("i-1-n1");
        assertThat(s.getToNodeId()).isEqualTo("i-1-n3");
        assertThat(s.getRequestId()).isEqualTo("req-1");

        clock.now = clock.now.plusMillis(400);
        dataPlane.pipeInput("i-1", new DataPlaneEventEnvelope(meta(), new SwitchoverPrepared("i-1",
                s.getSwitchoverId(), "i-1-n1", "i-1-n3", 10_000L)), clock.now);
        List<TestRecord<String, FailoverEventEnvelope>> promoted = drain();
        assertThat(types(promoted)).containsExactly("StandbyPromoted", "EndpointMoved");
        assertThat(payloads(promoted, StandbyPromoted.class).get(0).getFailoverId()).isEqualTo(s.getSwitchoverId());
        assertThat(payloads(promoted, StandbyPromoted.class).get(0).getLagBytes()).isZero();

        clock.now = clock.now.plusMillis(300);
        beat("i-1", "i-1-n3", NodeRole.PRIMARY, 10_000, 2);
        FailoverCompleted done = payloads(drain(), FailoverCompleted.class).get(0);
        assertThat(done.getKind()).isEqualTo("SWITCHOVER");
        assertThat(done.getEstimatedDataLossBytes()).isZero();
        assertThat(done.getUnavailableMillis()).isEqualTo(700);

        operators.pipeInput("i-1", new FailoverCommandEnvelope(meta(), new SwitchoverRequested("req-2", "i-1",
                "i-1-n3", "alice", "")), clock.now);
        assertThat(payloads(drain(), SwitchoverRejected.class)).singleElement()
                .satisfies(r -> assertThat(r.getReason()).contains("i-1-n3 is not a healthy standby"));
    }

    @Test
    @DisplayName("all but the instance events reach the instance stage only relayed into the telemetry")
    void allButInstanceEventsReachTheInstanceStageThroughTheTelemetry() {
        var subtopologies = topology.describe().subtopologies();
        assertThat(subtopologies).as("one sub-topology, as before the relays: task ids and their state stay where"
                + " they are, and a rebalance moves no more tasks").hasSize(1);
        TopologyDescription.Node decide = subtopologies.stream().flatMap(st -> st.nodes().stream())
                .filter(n -> n.name().equals("decide-instance")).findFirst().orElseThrow();
        java.util.Set<String> read = new java.util.TreeSet<>();
        java.util.Deque<TopologyDescription.Node> upstream = new java.util.ArrayDeque<>(List.of(decide));
        while (!upstream.isEmpty()) {
            TopologyDescription.Node n = upstream.pop();
            if (n instanceof TopologyDescription.Source source) {
                read.addAll(source.topicSet());
            }
            upstream.addAll(n.predecessors());
        }
        assertThat(read).as("the topics the instance stage's decisions come from").containsExactlyInAnyOrder(
                Topics.NODE_TELEMETRY.name(), Topics.INSTANCE_EVENTS.name());
        var sinks = subtopologies.stream().flatMap(st -> st.nodes().stream())
                .filter(n -> n instanceof TopologyDescription.Sink).map(n -> (TopologyDescription.Sink) n).toList();
        for (Journal.Source<?> source : Journal.SOURCES) {
            String relay = source.topic().name().replace('.', '-') + "-relay-to-telemetry";
            assertThat(sinks).as(source.topic().name() + " relayed").anySatisfy(sink -> {
                assertThat(sink.name()).isEqualTo(relay);
                assertThat(sink.topic()).isEqualTo(Topics.NODE_TELEMETRY.name());
            });
        }
    }

    @Test
    void aLostPrimaryThatComesBackRewoundRejoinsAndItsMeasuredLossIsPublished() {
        premiumPrimaryLost();
        clock.now = clock.now.plusSeconds(3);
        beat("i-1", "i-1-n2", NodeRole.STANDBY, 9_950, 2);
        beat("i-1", "i-1-n3", NodeRole.PRIMARY, 9_950, 2);
        beat("i-1", "i-1-n1", NodeRole.STANDBY, 9_950, 2);
        dataPlane.pipeInput("i-1", new DataPlaneEventEnvelope(meta(), new NodeRewound("i-1", "i-1-n1", 2L, 9_950L,
                50L, "pg_rewind")), clock.now);
        clock.now = clock.now.plusSeconds(1);
        beat("i-1", "i-1-n1", NodeRole.STANDBY, 9_960, 2);
        List<TestRecord<String, FailoverEventEnvelope>> records = drain();
        assertThat(types(records)).containsExactly("NodeFenced", "DataLossMeasured", "NodeRejoined",
                "ReplacementCancelled");
        DataLossMeasured loss = payloads(records, DataLossMeasured.class).get(0);
        assertThat(loss.getLostBytes()).isEqualTo(50);
        assertThat(loss.getEstimatedBytes()).isEqualTo(100);
        assertThat(payloads(records, ReplacementCancelled.class).get(0).getReplacesNodeId()).isEqualTo("i-1-n1");
    }

    @Test
    void undecodableTelemetryIsDeadLetteredAndTheNextRecordStillDecides() {
        instance("i-1", "BUSINESS-4", 2);
        rawTelemetry.pipeInput("i-1", new byte[] {1, 2, 3});
        telemetry.pipeInput("i-1", new NodeTelemetryEnvelope(meta(), new NodeDiagnosticsReported("i-1", "i-1-n1",
                DiagnosticSeverity.SEVERE, "gone")), clock.now);

        assertThat(telemetryDlq.readRecordsToList()).singleElement()
                .satisfies(r -> assertThat(new String(r.headers().lastHeader("dlq.cause").value()))
                        .isEqualTo("NOT_WIRE_FORMAT"));
        assertThat(payloads(drain(), StandbyPromoted.class)).hasSize(1);
    }

    @Test
    void aReDeliveredEventChangesNothing() {
        instance("i-1", "BUSINESS-4", 2);
        NodeTelemetryEnvelope failure = new NodeTelemetryEnvelope(meta(), new NodeDiagnosticsReported("i-1", "i-1-n1",
                DiagnosticSeverity.SEVERE, "gone"));
        telemetry.pipeInput("i-1", failure, clock.now);
        assertThat(payloads(drain(), StandbyPromoted.class)).hasSize(1);

        telemetry.pipeInput("i-1", failure, clock.now); // the same event again: a replay, a redelivery
        assertThat(drain()).as("nothing new, not even a StaleSignalIgnored").isEmpty();
    }
}
