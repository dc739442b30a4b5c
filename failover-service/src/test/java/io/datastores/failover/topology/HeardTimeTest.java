package io.datastores.failover.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.datastores.contract.Topics;
import io.datastores.events.Cloud;
import io.datastores.events.Engine;
import io.datastores.events.EventMetadata;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.HeardUpTo;
import io.datastores.events.InstanceAccepted;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceReady;
import io.datastores.events.NodeHeartbeat;
import io.datastores.events.NodeInfo;
import io.datastores.events.NodeRole;
import io.datastores.events.NodeTelemetryEnvelope;
import io.datastores.failover.domain.FailoverDecider;
import io.datastores.failover.domain.FailoverPolicy;
import io.datastores.failover.domain.RegionGuardDecider;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.serde.MockSchemaRegistry;

/**
 * The instance stage's time is recorded in the log ({@link HeardTime}): the live service's timer writes
 * marks into its telemetry partition and decides where it reads them back, so a shadow that reads the
 * same log, marks included, decides the same silences at the same places, whatever its own clock says.
 */
class HeardTimeTest {

    static final Instant START = FailoverTopologyTest.START;
    static final String SCOPE = "heard-time-test";

    /** One record of the log as the live service's partition holds it, in order. */
    record Logged(String topic, String key, byte[] value, Instant timestamp) {
    }

    private final ContractSerdes serdes = new ContractSerdes("mock://" + SCOPE);
    /** The topics a shadow reads: the telemetry, the instance events, the operators' commands (for regions). */
    private static final java.util.Set<String> SHADOW_READS = java.util.Set.of(Topics.NODE_TELEMETRY.name(),
            Topics.INSTANCE_EVENTS.name(), Topics.FAILOVER_COMMANDS.name());
    private final FailoverTopologyTest.TestClock clock = new FailoverTopologyTest.TestClock();
    private final List<Logged> log = new ArrayList<>();
    private final List<TopologyTestDriver> drivers = new ArrayList<>();
    private int seq;

    @AfterEach
    void tearDown() {
        drivers.forEach(TopologyTestDriver::close);
        MockSchemaRegistry.drop(SCOPE);
    }

    private TopologyTestDriver driver(boolean publish, String decisionsTopic) {
        TopologyTestDriver driver = driver(serdes, clock, publish, decisionsTopic);
        drivers.add(driver);
        return driver;
    }

    /**
     * failover-service's topology on one partition, live ({@code publish}) or as a shadow whose decisions
     * go to {@code decisionsTopic}; the timer runs every 500 ms of {@code clock}.
     */
    static TopologyTestDriver driver(ContractSerdes serdes, java.time.Clock clock, boolean publish,
            String decisionsTopic) {
        StreamsBuilder builder = new StreamsBuilder();
        var published = FailoverTopology.build(builder, serdes, new FailoverDecider(FailoverPolicy.defaults()),
                new RegionGuardDecider(new RegionGuardDecider.Guard(Duration.ofSeconds(3), 0.3, 5)), clock,
                Duration.ofMillis(500), publish, 1);
        if (!publish) {
            published.to(decisionsTopic, Produced.with(Serdes.String(), serdes.value(Topics.FAILOVER_EVENTS)));
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, publish ? "failover-live" : "failover-shadow");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/heard-time-test-"
                + UUID.randomUUID());
        return new TopologyTestDriver(builder.build(), props, START);
    }

    /** The live service, with the log it reads and writes recorded in the order its partition holds it. */
    private final class Live {
        final TopologyTestDriver driver = driver(true, null);
        final TestOutputTopic<String, byte[]> marks = driver.createOutputTopic(Topics.NODE_TELEMETRY.name(),
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        final TestOutputTopic<String, byte[]> decisions = driver.createOutputTopic(Topics.FAILOVER_EVENTS.name(),
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        final List<TestRecord<String, byte[]>> decided = new ArrayList<>();

        void pipe(String topic, String key, byte[] value, Instant at) {
            driver.createInputTopic(topic, Serdes.String().serializer(), Serdes.ByteArray().serializer())
                    .pipeInput(key, value, at);
            log.add(new Logged(topic, key, value, at));
            written();
        }

        /** Moves the wall clock, the timer writing its marks. */
        void advance(Duration d) {
            for (long ms = 0; ms < d.toMillis(); ms += 500) {
                clock.now = clock.now.plusMillis(500);
                driver.advanceWallClockTime(Duration.ofMillis(500));
                written();
            }
        }

        /** What the service wrote lands in the log behind what was there (the driver read it back already). */
        private void written() {
            marks.readRecordsToList().forEach(r -> log.add(new Logged(Topics.NODE_TELEMETRY.name(), r.key(),
                    r.value(), r.getRecordTime())));
            decisions.readRecordsToList().forEach(r -> {
                decided.add(r);
                log.add(new Logged(Topics.FAILOVER_EVENTS.name(), r.key(), r.value(), r.getRecordTime()));
            });
        }
    }

    private EventMetadata meta(Instant at) {
        String id = "ev-" + (++seq);
        return new EventMetadata(id, "corr-" + id, null, at, "test");
    }

    private byte[] instanceEvent(String id, Object payload) {
        return serdes.value(Topics.INSTANCE_EVENTS).serializer().serialize(Topics.INSTANCE_EVENTS.name(),
                new InstanceEventEnvelope(meta(clock.now), payload));
    }

    private byte[] heartbeat(String id, String node, NodeRole role, long position, Instant at) {
        return serdes.value(Topics.NODE_TELEMETRY).serializer().serialize(Topics.NODE_TELEMETRY.name(),
                new NodeTelemetryEnvelope(meta(at), new NodeHeartbeat(id, node, role, position, 1L)));
    }

    private void instance(Live live, String id) {
        live.pipe(Topics.INSTANCE_EVENTS.name(), id, instanceEvent(id, InstanceAccepted.newBuilder()
                .setRequestId("r-" + id).setOrganizationId("org").setInstanceId(id).setDisplayName(id)
                .setEngine(Engine.POSTGRESQL).setCloud(Cloud.AWS).setRegion("eu-west-1").setPlan("BUSINESS-4")
                .setCatalogVersion("v").setNodeCount(2).setServiceHost(id + ".db.example").build()), clock.now);
        live.pipe(Topics.INSTANCE_EVENTS.name(), id, instanceEvent(id, InstanceReady.newBuilder()
                .setOrganizationId("org").setInstanceId(id).setServiceHost(id + ".db.example").setPort(5432)
                .setTlsRequired(true).setConnectionLimit(100).setAllowlist(List.of())
                .setNodes(List.of(new NodeInfo(id + "-n1", NodeRole.PRIMARY, "z1", "h", "10.0.0.1"),
                        new NodeInfo(id + "-n2", NodeRole.STANDBY, "z2", "h", "10.0.0.2")))
                .setCatalogVersion("v").build()), clock.now);
    }

    private void beat(Live live, String id, String node, NodeRole role, Instant at) {
        live.pipe(Topics.NODE_TELEMETRY.name(), id, heartbeat(id, node, role, 500, at), at);
    }

    /** The shadow's decisions and stores after reading {@code log} in order, its own clock far ahead. */
    private record Rebuilt(List<String> decided, Map<String, String> instances, Map<String, String> heard) {
    }

    private Rebuilt rebuild() {
        clock.now = clock.now.plus(Duration.ofHours(1)); // a rebuild runs later: its wall clock says nothing
        TopologyTestDriver shadow = driver(false, "shadow-decisions");
        TestOutputTopic<String, FailoverEventEnvelope> decisions = shadow.createOutputTopic("shadow-decisions",
                Serdes.String().deserializer(), serdes.value(Topics.FAILOVER_EVENTS).deserializer());
        for (Logged r : log) {
            if (!SHADOW_READS.contains(r.topic())) {
                continue; // the rest reaches a shadow as the live service's relays in the telemetry
            }
            shadow.createInputTopic(r.topic(), Serdes.String().serializer(), Serdes.ByteArray().serializer())
                    .pipeInput(r.key(), r.value(), r.timestamp());
            shadow.advanceWallClockTime(Duration.ofSeconds(5));
        }
        return new Rebuilt(decisions.readRecordsToList().stream().map(r -> describe(r.key(), r.value())).toList(),
                contents(shadow.getKeyValueStore(FailoverTopology.STORE)),
                contents(shadow.getKeyValueStore(FailoverTopology.HEARD_STORE)));
    }

    private static String describe(String key, FailoverEventEnvelope e) {
        return key + " " + e.getMetadata().getEventId() + " " + e.getPayload().getClass().getSimpleName() + " "
                + e.getPayload();
    }

    private static Map<String, String> contents(KeyValueStore<String, ?> store) {
        Map<String, String> all = new TreeMap<>();
        try (var it = store.all()) {
            it.forEachRemaining(kv -> all.put(kv.key, String.valueOf(kv.value)));
        }
        return all;
    }

    @Test
    @DisplayName("a rebuild reading the log decides the silences the live service decided, with the same ids, and keeps the same state")
    void aRebuildDecidesTheLiveSilences() {
        Live live = new Live();
        instance(live, "i-1");
        for (int s = 0; s < 16; s++) {
            beat(live, "i-1", "i-1-n2", NodeRole.STANDBY, clock.now);
            if (s < 2) {
                beat(live, "i-1", "i-1-n1", NodeRole.PRIMARY, clock.now);
            }
            if (s == 4) {
                // written late: the primary's heartbeat of 3.5 s ago lands behind the marks that found it silent
                beat(live, "i-1", "i-1-n1", NodeRole.PRIMARY, clock.now.minusMillis(3_500));
            }
            live.advance(Duration.ofSeconds(1));
        }
        List<String> liveDecided = live.decided.stream().map(r -> describe(r.key(), serdes.value(
                Topics.FAILOVER_EVENTS).deserializer().deserialize(Topics.FAILOVER_EVENTS.name(), r.value()))).toList();
        assertThat(liveDecided).as("the silent primary was suspected and failed over live")
                .anySatisfy(e -> assertThat(e).contains("NodeSuspected"))
                .anySatisfy(e -> assertThat(e).contains("StandbyPromoted"));
        assertThat(log.stream().filter(r -> r.topic().equals(Topics.NODE_TELEMETRY.name())).map(r -> serdes
                .value(Topics.NODE_TELEMETRY).deserializer().deserialize(r.topic(), r.value()).getPayload()))
                .as("the live service's marks in its telemetry").hasAtLeastOneElementOfType(HeardUpTo.class);
        Map<String, String> liveInstances = contents(live.driver.getKeyValueStore(FailoverTopology.STORE));
        Map<String, String> liveHeard = contents(live.driver.getKeyValueStore(FailoverTopology.HEARD_STORE));

        Rebuilt rebuilt = rebuild();

        assertThat(rebuilt.decided()).containsExactlyInAnyOrderElementsOf(liveDecided);
        assertThat(rebuilt.instances()).isEqualTo(liveInstances);
        assertThat(rebuilt.heard()).isEqualTo(liveHeard);
    }

    @Test
    @DisplayName("a shadow writes no marks: its timer is the live service's, read from the log")
    void aShadowWritesNoMarks() {
        TopologyTestDriver shadow = driver(false, "shadow-decisions");
        TestOutputTopic<String, byte[]> telemetry = shadow.createOutputTopic(Topics.NODE_TELEMETRY.name(),
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        shadow.createInputTopic(Topics.NODE_TELEMETRY.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer()).pipeInput("i-1", heartbeat("i-1", "i-1-n1", NodeRole.PRIMARY, 1,
                        clock.now), clock.now);
        for (int i = 0; i < 20; i++) {
            clock.now = clock.now.plusMillis(500);
            shadow.advanceWallClockTime(Duration.ofMillis(500));
        }
        assertThat(telemetry.isEmpty()).isTrue();
    }

    @Test
    @DisplayName("a mark failover-service did not write, or read from another partition than it names, is dead-lettered with the reason")
    void aForeignMarkIsDeadLettered() {
        TopologyTestDriver live = driver(true, null);
        TestOutputTopic<String, byte[]> dlq = live.createOutputTopic(Topics.NODE_TELEMETRY.deadLetterTopic(),
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        var in = live.createInputTopic(Topics.NODE_TELEMETRY.name(), Serdes.String().serializer(),
                serdes.value(Topics.NODE_TELEMETRY).serializer());
        Instant future = clock.now.plus(Duration.ofDays(1));
        in.pipeInput("~tick", new NodeTelemetryEnvelope(new EventMetadata("m-1", "m-1", null, future, "intruder"),
                new HeardUpTo(0, future)), future);
        in.pipeInput("i-1", new NodeTelemetryEnvelope(new EventMetadata("m-2", "m-2", null, future,
                FailoverTopology.SERVICE), new HeardUpTo(0, future)), future);
        in.pipeInput("~tick", new NodeTelemetryEnvelope(new EventMetadata("m-3", "m-3", null, future,
                FailoverTopology.SERVICE), new HeardUpTo(3, future)), future);

        assertThat(dlq.readRecordsToList().stream().map(r -> new String(r.getHeaders()
                .lastHeader(io.datastores.kit.streams.DeadLetters.ERROR).value(), java.nio.charset.StandardCharsets.UTF_8)))
                .containsExactly("a HeardUpTo mark from 'intruder': only failover-service writes them",
                        "a HeardUpTo mark keyed 'i-1', not '~tick'",
                        "a HeardUpTo mark of partition 3 read from partition 0");
    }
}
