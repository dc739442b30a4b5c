package io.datastores.kit.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.datastores.contract.Topics;
import io.datastores.events.EventMetadata;
import io.datastores.events.NodeAlertEnvelope;
import io.datastores.events.NodeFailed;
import io.datastores.kit.decider.Decider;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.json.JsonSerde;
import io.datastores.kit.serde.AvroSerde;
import io.datastores.kit.serde.MockSchemaRegistry;
import io.datastores.kit.serde.WireFormat;

class DeadLettersAndDeciderTest {

    private static final String URL = "mock://dead-letters-test";

    /** Counts failures per instance and reports each count: enough to see state and events flow. */
    record Count(int failures) {
    }

    static final class CountingDecider implements Decider<String, Count, String> {
        @Override
        public Count initialState() {
            return new Count(0);
        }

        @Override
        public List<String> decide(String nodeId, Count state, Instant at) {
            return List.of(nodeId + "#" + (state.failures() + 1) + "@" + at.toEpochMilli());
        }

        @Override
        public Count evolve(Count state, String event) {
            return new Count(state.failures() + 1);
        }
    }

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> input;
    private TestOutputTopic<String, String> output;
    private TestOutputTopic<String, byte[]> dlq;
    private AvroSerde<NodeAlertEnvelope> serde;

    @BeforeEach
    void setUp() {
        serde = AvroSerde.forValues(NodeAlertEnvelope.class, URL);
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("counts"),
                Serdes.String(), new JsonSerde<>(Count.class)));
        DeadLetters.decode(builder, Topics.NODE_ALERTS, serde.deserializer(),
                        EnvelopeMeta::contractProblem, "test-service")
                .mapValues(e -> new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()),
                        ((NodeFailed) e.getPayload()).getNodeId()))
                .process(DeciderProcessor.supplier(new CountingDecider(), "counts", "test-service"), "counts")
                .mapValues(e -> e.body() + " caused-by " + e.meta().causationId())
                .to("out", org.apache.kafka.streams.kstream.Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dead-letters-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(builder.build(), props);
        input = driver.createInputTopic(Topics.NODE_ALERTS.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        output = driver.createOutputTopic("out", Serdes.String().deserializer(), Serdes.String().deserializer());
        dlq = driver.createOutputTopic(Topics.NODE_ALERTS.deadLetterTopic(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
        MockSchemaRegistry.drop("dead-letters-test");
    }

    private byte[] alert(String eventId, String instance, String node) {
        return serde.serializer().serialize(Topics.NODE_ALERTS.name(), new NodeAlertEnvelope(
                new EventMetadata(eventId, "corr", null, Instant.ofEpochMilli(1000), "monitor"),
                new NodeFailed(instance, node, "gone", "PLATFORM", 0L)));
    }

    private static String header(Headers headers, String key) {
        return new String(headers.lastHeader(key).value(), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("garbage bytes and an unknown schema id reach the DLQ with their cause; the next event is processed")
    void badRecordsAreDeadLetteredAndProcessingGoesOn() {
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        byte[] unknownId = WireFormat.frame(4242, new byte[] {2, 65, 2, 66});
        input.pipeInput("i-1", garbage);
        input.pipeInput("i-1", unknownId);
        input.pipeInput("i-1", alert("ev-1", "i-1", "n-1"));

        List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(dead.get(0).value()).isEqualTo(garbage);
        assertThat(header(dead.get(0).headers(), DeadLetters.CAUSE)).isEqualTo("NOT_WIRE_FORMAT");
        assertThat(header(dead.get(1).headers(), DeadLetters.CAUSE)).isEqualTo("UNKNOWN_SCHEMA_ID");
        assertThat(header(dead.get(1).headers(), DeadLetters.ERROR)).contains("4242");
        assertThat(header(dead.get(1).headers(), DeadLetters.SERVICE)).isEqualTo("test-service");
        assertThat(header(dead.get(1).headers(), DeadLetters.TOPIC)).isEqualTo("dcp.node-alerts");
        assertThat(header(dead.get(1).headers(), DeadLetters.OFFSET)).isEqualTo("1");
        assertThat(output.readValuesToList()).hasSize(1);
    }

    @Test
    @DisplayName("an event keyed by another instance than its payload names is invalid")
    void keyMismatchIsInvalid() {
        input.pipeInput("i-other", alert("ev-1", "i-1", "n-1"));
        TestRecord<String, byte[]> dead = dlq.readRecord();
        assertThat(header(dead.headers(), DeadLetters.CAUSE)).isEqualTo("INVALID_EVENT");
        assertThat(header(dead.headers(), DeadLetters.ERROR)).contains("i-other").contains("i-1");
        assertThat(output.isEmpty()).isTrue();
    }

    @Test
    @DisplayName("a timer's commands are decided before a later record, each at the moment it was due")
    void timerDecidesAtTheDueMomentBeforeLaterRecords() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("timed"),
                Serdes.String(), new JsonSerde<>(Count.class)));
        io.datastores.kit.decider.Timer<String, Count> everyTenSeconds = (key, state, now) -> {
            Instant due = Instant.ofEpochMilli(1000 + 10_000L * state.failures());
            return state.failures() > 0 && state.failures() < 3 && !now.isBefore(due)
                    ? java.util.Optional.of(new io.datastores.kit.decider.Timer.Due<>("tick", due))
                    : java.util.Optional.empty();
        };
        DeadLetters.decode(builder, Topics.NODE_ALERTS, serde.deserializer(), EnvelopeMeta::contractProblem, "svc")
                .mapValues(e -> new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()),
                        ((NodeFailed) e.getPayload()).getNodeId()))
                .process(DeciderProcessor.supplier(new CountingDecider(), "timed", "svc", everyTenSeconds,
                        java.time.Duration.ofMinutes(1), java.time.Clock.fixed(Instant.EPOCH, java.time.ZoneOffset.UTC)),
                        "timed")
                .mapValues(e -> e.body() + " id=" + e.meta().eventId().substring(0, 8))
                .to("timed-out", org.apache.kafka.streams.kstream.Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "timer-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver timed = new TopologyTestDriver(builder.build(), props)) {
            TestInputTopic<String, byte[]> in = timed.createInputTopic(Topics.NODE_ALERTS.name(),
                    Serdes.String().serializer(), Serdes.ByteArray().serializer());
            TestOutputTopic<String, String> out = timed.createOutputTopic("timed-out", Serdes.String().deserializer(),
                    Serdes.String().deserializer());
            in.pipeInput("i-1", alert("ev-1", "i-1", "n-1"), Instant.ofEpochMilli(1000));
            in.pipeInput("i-1", alert("ev-2", "i-1", "n-2"), Instant.ofEpochMilli(60_000));
            List<String> values = out.readValuesToList();
            assertThat(values).hasSize(4);
            assertThat(values.get(0)).startsWith("n-1#1@1000");
            assertThat(values.get(1)).startsWith("tick#2@11000");
            assertThat(values.get(2)).startsWith("tick#3@21000");
            assertThat(values.get(3)).startsWith("n-2#4@1000");
        }
    }

    @Test
    @DisplayName("the shell loads state, decides at event time, derives metadata and stores the new state")
    void deciderShellKeepsStatePerKey() {
        input.pipeInput("i-1", alert("ev-1", "i-1", "n-1"));
        input.pipeInput("i-1", alert("ev-2", "i-1", "n-2"));
        input.pipeInput("i-2", alert("ev-3", "i-2", "n-9"));
        assertThat(output.readValuesToList()).containsExactly(
                "n-1#1@1000 caused-by ev-1", "n-2#2@1000 caused-by ev-2", "n-9#1@1000 caused-by ev-3");
        assertThat(driver.<String, Count>getKeyValueStore("counts").get("i-1")).isEqualTo(new Count(2));
        assertThat(dlq.isEmpty()).isTrue();
    }

    /** A wall clock a test moves. */
    static final class MovableClock extends java.time.Clock {
        volatile long millis;

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    /** A decider whose timer is {@code timer}, on a wall clock the test moves, fed node alerts. */
    private static TopologyTestDriver timedDriver(io.datastores.kit.decider.Timer<String, Count> timer,
            MovableClock clock, AvroSerde<NodeAlertEnvelope> serde) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("lagging"),
                Serdes.String(), new JsonSerde<>(Count.class)));
        DeadLetters.decode(builder, Topics.NODE_ALERTS, serde.deserializer(), EnvelopeMeta::contractProblem, "svc")
                .mapValues(e -> new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()),
                        ((NodeFailed) e.getPayload()).getNodeId()))
                .process(DeciderProcessor.supplier(new CountingDecider(), "lagging", "svc", timer,
                        java.time.Duration.ofSeconds(1), clock), "lagging")
                .mapValues(e -> e.body())
                .to("lagging-out", org.apache.kafka.streams.kstream.Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lag-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return new TopologyTestDriver(builder.build(), props);
    }

    /** A timer owing "silence" at {@code dueMillis} to a key that has seen one failure. */
    private static io.datastores.kit.decider.Timer<String, Count> silenceAt(long dueMillis) {
        return (key, state, now) -> {
            Instant due = Instant.ofEpochMilli(dueMillis);
            return state.failures() == 1 && !now.isBefore(due)
                    ? java.util.Optional.of(new io.datastores.kit.decider.Timer.Due<>("silence", due))
                    : java.util.Optional.empty();
        };
    }

    /** An alert written at 1 s, read at 61 s (a backlog) and decided; the output topic to watch next. */
    private TestOutputTopic<String, String> oneAlertFromAMinuteAgo(TopologyTestDriver d, MovableClock clock) {
        TestInputTopic<String, byte[]> in = d.createInputTopic(Topics.NODE_ALERTS.name(),
                Serdes.String().serializer(), Serdes.ByteArray().serializer());
        TestOutputTopic<String, String> out = d.createOutputTopic("lagging-out", Serdes.String().deserializer(),
                Serdes.String().deserializer());
        clock.millis = 61_000;
        in.pipeInput("i-1", alert("ev-1", "i-1", "n-1"), Instant.ofEpochMilli(1_000));
        assertThat(out.readValuesToList()).hasSize(1);
        return out;
    }

    @Test
    @DisplayName("while the processor lags behind its input, the wall clock's timer waits for the input's time")
    void timerAllowsForInputLag() {
        MovableClock clock = new MovableClock();
        try (TopologyTestDriver d = timedDriver(silenceAt(11_000), clock, serde)) {
            TestOutputTopic<String, String> out = oneAlertFromAMinuteAgo(d, clock);

            clock.millis = 61_500;
            d.advanceWallClockTime(java.time.Duration.ofSeconds(2));
            assertThat(out.readValuesToList()).as("no input time passed, not 60.5 s").isEmpty();

            clock.millis = 75_000;
            d.advanceWallClockTime(java.time.Duration.ofSeconds(2));
            assertThat(out.readValuesToList()).singleElement().asString().startsWith("silence#2@11000");
        }
    }

    @Test
    @DisplayName("a backlog's time is its records' time: a few seconds without one is not silence")
    void aBacklogsTimeDoesNotMoveWithTheWallClock() {
        MovableClock clock = new MovableClock();
        try (TopologyTestDriver d = timedDriver(silenceAt(4_500), clock, serde)) { // 3.5 s after the record
            TestOutputTopic<String, String> out = oneAlertFromAMinuteAgo(d, clock);

            clock.millis = 65_000; // 4 s without another record of the backlog (the thread was busy elsewhere)
            d.advanceWallClockTime(java.time.Duration.ofSeconds(2));
            assertThat(out.readValuesToList()).as("the input is still at 1 s, not at 5 s").isEmpty();

            clock.millis = 67_000; // nothing for 6 s: the input is idle, its lag forgotten
            d.advanceWallClockTime(java.time.Duration.ofSeconds(2));
            assertThat(out.readValuesToList()).singleElement().asString().startsWith("silence#2@4500");
        }
    }
}
