package io.datastores.failover.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.datastores.failover.domain.FailoverCommand;
import io.datastores.failover.domain.FailoverDecider;
import io.datastores.failover.domain.FailoverPolicy;
import io.datastores.failover.domain.HeartbeatSplit;
import io.datastores.failover.domain.InstanceHealth;
import io.datastores.failover.domain.Role;
import io.datastores.kit.json.JsonSerde;
import io.datastores.kit.json.StateSerde;

/**
 * State previous versions stored (in src/test/resources/state: v1 JSON, v2 CBOR with its hot part)
 * reads with this version's serde, means what it meant, and survives this version's binary form and
 * split unchanged. This version groups some of its fields ({@link #PARTS}): each moves one to one.
 */
class StoredStateTest {

    /** The objects this version groups fields in, which previous versions held flat. */
    static final Set<String> PARTS = Set.of("instance", "failure", "promotion", "outcome",
            "placement", "heard", "stability");

    /** The objects this version groups a node's fields in, which v2 held flat. */
    static final Set<String> NODE_PARTS = Set.of("placement", "heard", "stability");

    /** The fields of the node parts this version leaves out (null) when empty, as they were then. */
    static final java.util.Map<String, ObjectNode> EMPTY = java.util.Map.of(
            "heard", (ObjectNode) JsonSerde.MAPPER.createObjectNode().putNull("lastHeartbeatAt")
                    .putNull("watchSince").put("position", 0),
            "stability", (ObjectNode) JsonSerde.MAPPER.createObjectNode().putNull("healthySince")
                    .set("minorFailures", JsonSerde.MAPPER.createArrayNode()));

    private final InstanceHealthSerde serde = new InstanceHealthSerde();

    static Stream<String> fixtures() {
        return Stream.of("v1-rewound-and-rejoined.json", "v1-switchover-completed.json",
                "v1-promoted.json", "v1-restoring.json");
    }

    private static byte[] bytes(String name) throws IOException {
        try (InputStream in = StoredStateTest.class.getResourceAsStream("/state/" + name)) {
            return in.readAllBytes();
        }
    }

    private InstanceHealth stored(String name) throws IOException {
        return serde.deserializer().deserialize("t", bytes(name));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void previousVersionsStateReadsAndRoundTripsThroughTheBinaryFormAndTheSplit(String name)
            throws IOException {
        InstanceHealth old = stored(name);
        assertThat(old.tracked()).isTrue();
        assertThat(old.nodes()).isNotEmpty().allSatisfy(n -> assertThat(n.nodeId()).isNotBlank());

        byte[] binary = serde.serializer().serialize("t", old);
        assertThat(serde.deserializer().deserialize("t", binary)).isEqualTo(old);

        HeartbeatSplit split = new HeartbeatSplit();
        byte[] hot = HeardNodesSerde.write(split.hot(old));
        InstanceHealth cold = serde.deserializer().deserialize("t",
                serde.serializer().serialize("t", split.cold(old)));
        assertThat(split.join(cold, HeardNodesSerde.read(hot))).isEqualTo(old);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void previousVersionsFieldsMoveOneToOne_asJsonTextAndAsCbor(String name) throws IOException {
        JsonNode before = JsonSerde.MAPPER.readTree(bytes(name));
        InstanceHealth now = stored(name);
        assertThat(flattened(JsonSerde.MAPPER.readTree(JsonSerde.MAPPER.writeValueAsString(now))))
                .isEqualTo(before);
        // the previous version wrote the same document as CBOR too
        byte[] cbor = new StateSerde<>(JsonNode.class).serializer().serialize("t", before);
        assertThat(serde.deserializer().deserialize("t", cbor)).isEqualTo(now);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void thisVersionsShapeRoundTrips_asCborAndAsJsonText(String name) throws IOException {
        InstanceHealth s = stored(name);
        byte[] cbor = serde.serializer().serialize("t", s);
        assertThat(new StateSerde<>(JsonNode.class).deserializer().deserialize("t", cbor)
                .has("instance")).as("written in this version's shape").isTrue();
        assertThat(serde.deserializer().deserialize("t", cbor)).isEqualTo(s);
        byte[] text = JsonSerde.MAPPER.writeValueAsBytes(s);
        assertThat(serde.deserializer().deserialize("t", text)).isEqualTo(s);
    }

    @org.junit.jupiter.api.Test
    void eachGroupingReadsOnItsOwn_flatFailoversUnderAGroupedInstance() throws IOException {
        InstanceHealth s = stored("v1-rewound-and-rejoined.json");
        JsonNode grouped = JsonSerde.MAPPER.valueToTree(s);
        ObjectNode mixed = ((ObjectNode) flattened(grouped)).without(StoredInstanceHealth.INSTANCE);
        mixed.set("instance", grouped.get("instance"));
        assertThat(serde.deserializer().deserialize("t", JsonSerde.MAPPER.writeValueAsBytes(mixed)))
                .isEqualTo(s);
    }

    @org.junit.jupiter.api.Test
    void theInitialStateRoundTrips() {
        InstanceHealth initial = InstanceHealth.initial();
        byte[] written = serde.serializer().serialize("t", initial);
        assertThat(serde.deserializer().deserialize("t", written)).isEqualTo(initial);
    }

    /** The document with each of {@link #PARTS} replaced by its fields, as before. */
    private static JsonNode flattened(JsonNode n) {
        return flattened(n, PARTS);
    }

    /** The document with each of {@code parts} replaced by its fields, as before. */
    private static JsonNode flattened(JsonNode n, Set<String> parts) {
        if (n instanceof ArrayNode a) {
            ArrayNode f = a.arrayNode();
            a.forEach(e -> f.add(flattened(e, parts)));
            return f;
        }
        if (!(n instanceof ObjectNode o)) {
            return n;
        }
        ObjectNode f = o.objectNode();
        o.fields().forEachRemaining(e -> {
            JsonNode value = e.getValue().isNull() && EMPTY.containsKey(e.getKey())
                    ? EMPTY.get(e.getKey()) : e.getValue();
            if (parts.contains(e.getKey()) && value instanceof ObjectNode part) {
                ((ObjectNode) flattened(part, parts)).fields()
                        .forEachRemaining(p -> f.set(p.getKey(), p.getValue()));
            } else {
                f.set(e.getKey(), flattened(e.getValue(), parts));
            }
        });
        return f;
    }

    @org.junit.jupiter.api.Test
    void aRewoundPrimarysStateMeansWhatItMeant() throws IOException {
        InstanceHealth s = stored("v1-rewound-and-rejoined.json");
        assertThat(s.epoch()).isEqualTo(2);
        assertThat(s.tier()).isEqualTo(io.datastores.failover.domain.Tier.PREMIUM);
        assertThat(s.primary().orElseThrow().nodeId()).isEqualTo("i-1-n3");
        assertThat(s.node("i-1-n1").orElseThrow().lastHeartbeatAt())
                .isEqualTo(Instant.parse("2026-11-22T10:00:06Z"));
        assertThat(s.node("i-1-n1").orElseThrow().position()).isEqualTo(9_960);
        InstanceHealth.Failover done = s.history().get(0);
        assertThat(done.promotedNodeId()).isEqualTo("i-1-n3");
        assertThat(done.toEpoch()).isEqualTo(2);
        assertThat(done.dataLossBytes()).isEqualTo(100);
        assertThat(done.measuredLoss().lostBytes()).isEqualTo(50);
        assertThat(done.phases()).hasSize(8);
        assertThat(s.retired()).containsExactly("i-1-r1");
    }

    @org.junit.jupiter.api.Test
    void theBinaryFormIsSmallerThanTheText() throws IOException {
        InstanceHealth s = stored("v1-rewound-and-rejoined.json");
        int text = io.datastores.kit.json.JsonSerde.MAPPER.writeValueAsBytes(s).length;
        int binary = serde.serializer().serialize("t", s).length;
        assertThat(binary).isLessThan(text);
    }

    // v2: what the code at d5225f3 stored (CBOR, nodes flat), as the split store holds it: the cold
    // part (STORE), the hot part (HEARD_STORE), and the whole state through the same serde

    static final Instant V2 = Instant.parse("2026-12-01T09:00:00Z");

    static Stream<String> v2() {
        return Stream.of("v2-replacement-pending", "v2-lost-forgotten", "v2-fenced", "v2-rejoined");
    }

    /** The state the store held: its cold part joined with its hot part. */
    private InstanceHealth v2State(String name) throws IOException {
        return new HeartbeatSplit().join(stored(name + ".cbor"),
                new HeardNodesSerde().deserializer().deserialize("t", bytes(name + ".hot")));
    }

    private static Instant v2(double seconds) {
        return V2.plusMillis(Math.round(seconds * 1000));
    }

    private static InstanceHealth.Node node(InstanceHealth s, String id) {
        return s.node(id).orElseThrow(() -> new AssertionError("no node " + id));
    }

    @ParameterizedTest
    @MethodSource("v2")
    void v2FixturesHoldTheFlatNodesThePreviousCodeWrote(String name) throws IOException {
        for (String file : List.of(name + ".cbor", name + ".whole.cbor")) {
            JsonNode doc = new StateSerde<>(JsonNode.class).deserializer().deserialize("t", bytes(file));
            assertThat(doc.has("instance")).as(file).isTrue();
            assertThat(doc.get("nodes")).as(file).isNotEmpty().allSatisfy(n -> {
                assertThat(n.has("zone")).isTrue();
                assertThat(n.has("placement")).isFalse();
            });
        }
    }

    @ParameterizedTest
    @MethodSource("v2")
    void v2FieldsMoveOneToOne_theColdPartAndTheWholeState(String name) throws IOException {
        for (String file : List.of(name + ".cbor", name + ".whole.cbor")) {
            JsonNode before = new StateSerde<>(JsonNode.class).deserializer().deserialize("t",
                    bytes(file));
            InstanceHealth now = stored(file);
            JsonNode written = JsonSerde.MAPPER.readTree(JsonSerde.MAPPER.writeValueAsBytes(now));
            assertThat(flattened(written, NODE_PARTS)).as(file)
                    .isEqualTo(before);
        }
        assertThat(stored(name + ".whole.cbor")).isEqualTo(v2State(name));
    }

    @org.junit.jupiter.api.Test
    void v2FlatNodesWouldLoseTheirFieldsSilentlyWithoutTheReader() throws IOException {
        InstanceHealth plain = new StateSerde<>(InstanceHealth.class).deserializer()
                .deserialize("t", bytes("v2-lost-forgotten.cbor"));
        assertThat(plain.nodes()).allSatisfy(n -> assertThat(n.zone()).isNull());
        InstanceHealth read = stored("v2-lost-forgotten.cbor");
        assertThat(read.nodes()).allSatisfy(n -> assertThat(n.zone()).isNotNull());
        assertThat(read).isNotEqualTo(plain);
    }

    @ParameterizedTest
    @MethodSource("v2")
    void v2StateRoundTripsInThisVersionsShape_noBiggerAndTheHotPartByteForByte(String name)
            throws IOException {
        InstanceHealth s = v2State(name);
        HeartbeatSplit split = new HeartbeatSplit();
        byte[] cold = serde.serializer().serialize("t", split.cold(s));
        JsonNode written = new StateSerde<>(JsonNode.class).deserializer().deserialize("t", cold);
        assertThat(written.get("nodes")).allSatisfy(n -> {
            assertThat(n.has("placement")).isTrue();
            assertThat(n.has("zone")).isFalse();
            assertThat(n.get("heard").isNull()).as("the cold part keeps no heard").isTrue();
        });
        assertThat(cold.length).as("the cold part, against the previous code's")
                .isLessThanOrEqualTo(bytes(name + ".cbor").length);
        assertThat(HeardNodesSerde.write(split.hot(s))).as("the hot part, as the previous code wrote it")
                .isEqualTo(bytes(name + ".hot"));
        assertThat(split.join(serde.deserializer().deserialize("t", cold),
                HeardNodesSerde.read(HeardNodesSerde.write(split.hot(s))))).isEqualTo(s);

        byte[] whole = serde.serializer().serialize("t", s);
        assertThat(serde.deserializer().deserialize("t", whole)).isEqualTo(s);
        assertThat(serde.deserializer().deserialize("t", JsonSerde.MAPPER.writeValueAsBytes(s)))
                .isEqualTo(s);
    }

    @org.junit.jupiter.api.Test
    void v2ReplacementPendingMeansWhatItMeant() throws IOException {
        InstanceHealth s = v2State("v2-replacement-pending");
        assertThat(s.epoch()).isEqualTo(2);
        assertThat(s.instanceId()).isEqualTo("i-7");
        assertThat(s.nodes()).extracting(InstanceHealth.Node::nodeId)
                .containsExactly("i-7-n1", "i-7-n2", "i-7-n3", "i-7-r1");
        assertThat(s.forgottenLost()).isEmpty();
        InstanceHealth.Node lost = node(s, "i-7-n1");
        assertThat(lost.status()).isEqualTo(InstanceHealth.Status.LOST);
        assertThat(lost.zone()).isEqualTo("eu-central-1a");
        assertThat(lost.ip()).isEqualTo("10.7.0.1");
        assertThat(lost.lastHeartbeatAt()).isEqualTo(v2(40));
        assertThat(lost.position()).isEqualTo(20_000);
        assertThat(lost.epoch()).isEqualTo(1);
        InstanceHealth.Node n2 = node(s, "i-7-n2");
        assertThat(n2.minorFailures()).containsExactly(v2(2.5));
        assertThat(n2.healthySince()).isNull();
        assertThat(n2.position()).isEqualTo(19_700);
        InstanceHealth.Node n3 = node(s, "i-7-n3");
        assertThat(n3.role()).isEqualTo(Role.PRIMARY);
        assertThat(n3.healthySince()).isEqualTo(v2(9.25));
        assertThat(n3.lastHeartbeatAt()).isEqualTo(v2(40.123));
        assertThat(n3.watchSince()).isEqualTo(v2(40.123));
        assertThat(n3.position()).isEqualTo(19_950);
        assertThat(n3.minorFailures()).isEmpty();
        InstanceHealth.Node r1 = node(s, "i-7-r1");
        assertThat(r1.status()).isEqualTo(InstanceHealth.Status.PENDING);
        assertThat(r1.replacesNodeId()).isEqualTo("i-7-n1");
        assertThat(r1.zone()).isEqualTo("eu-central-1a");
        assertThat(r1.ip()).isNull();
        assertThat(r1.lastHeartbeatAt()).isNull();
        assertThat(r1.watchSince()).isNull();
        assertThat(r1.position()).isZero();
        assertThat(r1.epoch()).isEqualTo(2);
        assertThat(s.active().state()).isEqualTo(io.datastores.failover.domain.FailoverState.PROMOTED);
        assertThat(s.active().failedZone()).isEqualTo("eu-central-1a");
        assertThat(s.active().replacementNodeId()).isEqualTo("i-7-r1");
    }

    @org.junit.jupiter.api.Test
    void v2LostNodeForgottenMeansWhatItMeant() throws IOException {
        InstanceHealth s = v2State("v2-lost-forgotten");
        assertThat(s.nodes()).extracting(InstanceHealth.Node::nodeId)
                .containsExactly("i-7-n2", "i-7-n3", "i-7-r1");
        assertThat(s.forgottenLost()).singleElement().satisfies(n -> {
            assertThat(n.nodeId()).isEqualTo("i-7-n1");
            assertThat(n.status()).isEqualTo(InstanceHealth.Status.LOST);
            assertThat(n.zone()).isEqualTo("eu-central-1a");
            assertThat(n.ip()).isEqualTo("10.7.0.1");
            assertThat(n.lastHeartbeatAt()).isEqualTo(v2(40));
            assertThat(n.watchSince()).isEqualTo(v2(40));
            assertThat(n.position()).isEqualTo(20_000);
            assertThat(n.epoch()).isEqualTo(1);
        });
        InstanceHealth.Node r1 = node(s, "i-7-r1");
        assertThat(r1.status()).isEqualTo(InstanceHealth.Status.HEALTHY);
        assertThat(r1.replacesNodeId()).isEqualTo("i-7-n1");
        assertThat(r1.ip()).isEqualTo("10.7.1.9");
        assertThat(r1.lastHeartbeatAt()).isEqualTo(v2(44));
        assertThat(r1.position()).isEqualTo(19_960);
        assertThat(r1.epoch()).isEqualTo(2);
        InstanceHealth.Node n2 = node(s, "i-7-n2");
        assertThat(n2.zone()).isEqualTo("eu-central-1b");
        assertThat(n2.ip()).isEqualTo("10.7.0.2");
        assertThat(n2.minorFailures()).containsExactly(v2(2.5));
        assertThat(n2.epoch()).isEqualTo(2);
        assertThat(node(s, "i-7-n3").healthySince()).isEqualTo(v2(9.25));
        assertThat(node(s, "i-7-n3").position()).isEqualTo(19_990);
        assertThat(s.primary().orElseThrow().nodeId()).isEqualTo("i-7-n3");
        assertThat(s.history()).singleElement().satisfies(f -> {
            assertThat(f.failedNodeId()).isEqualTo("i-7-n1");
            assertThat(f.failedIp()).isEqualTo("10.7.0.1");
            assertThat(f.promotedNodeId()).isEqualTo("i-7-n3");
        });
    }

    @org.junit.jupiter.api.Test
    void v2FencedAndRejoinedMeanWhatTheyMeant() throws IOException {
        InstanceHealth fenced = v2State("v2-fenced");
        assertThat(fenced.forgottenLost()).isEmpty();
        InstanceHealth.Node back = fenced.nodes().get(fenced.nodes().size() - 1);
        assertThat(back.nodeId()).isEqualTo("i-7-n1");
        assertThat(back.status()).isEqualTo(InstanceHealth.Status.FENCED);
        assertThat(back.zone()).isEqualTo("eu-central-1a");
        assertThat(back.lastHeartbeatAt()).isEqualTo(v2(40));
        assertThat(back.position()).isEqualTo(20_000);
        assertThat(back.epoch()).isEqualTo(1);

        InstanceHealth rejoined = v2State("v2-rejoined");
        assertThat(rejoined.nodes()).extracting(InstanceHealth.Node::nodeId)
                .containsExactly("i-7-n2", "i-7-n3", "i-7-n1");
        assertThat(rejoined.retired()).containsExactly("i-7-r1");
        InstanceHealth.Node n1 = node(rejoined, "i-7-n1");
        assertThat(n1.status()).isEqualTo(InstanceHealth.Status.HEALTHY);
        assertThat(n1.role()).isEqualTo(Role.STANDBY);
        assertThat(n1.ip()).isEqualTo("10.7.0.1");
        assertThat(n1.lastHeartbeatAt()).isEqualTo(v2(52));
        assertThat(n1.watchSince()).isEqualTo(v2(52));
        assertThat(n1.healthySince()).isEqualTo(v2(52));
        assertThat(n1.position()).isEqualTo(19_990);
        assertThat(n1.epoch()).isEqualTo(2);
        assertThat(n1.replacesNodeId()).isNull();
        assertThat(node(rejoined, "i-7-n2").minorFailures()).containsExactly(v2(2.5));
    }

    /**
     * Each v2 state, decided on by this version with what the previous code was told next, becomes
     * the next one as the previous code stored it.
     */
    @org.junit.jupiter.api.Test
    void v2StatesDecidedOnLeadToTheNextOnesAsThePreviousCodeDid() throws IOException {
        FailoverDecider decider = new FailoverDecider(FailoverPolicy.defaults());
        String id = "i-7";
        InstanceHealth s = v2State("v2-replacement-pending");
        s = decided(decider, s, v2(42), new FailoverCommand.Heartbeat(id, "i-7-n3", Role.PRIMARY, 19_960, 2));
        s = decided(decider, s, v2(43), new FailoverCommand.NodeUp(id, "i-7-r1", "10.7.1.9", "eu-central-1a"));
        s = decided(decider, s, v2(44), new FailoverCommand.Heartbeat(id, "i-7-r1", Role.STANDBY, 19_960, 2));
        s = decided(decider, s, v2(44), new FailoverCommand.Heartbeat(id, "i-7-n2", Role.STANDBY, 19_960, 2));
        s = decided(decider, s, v2(44), new FailoverCommand.Heartbeat(id, "i-7-n3", Role.PRIMARY, 19_990, 2));
        assertThat(s).isEqualTo(v2State("v2-lost-forgotten"));
        s = decided(decider, s, v2(50), new FailoverCommand.Heartbeat(id, "i-7-n1", Role.PRIMARY, 20_100, 1));
        assertThat(s).isEqualTo(v2State("v2-fenced"));
        s = decided(decider, s, v2(52), new FailoverCommand.Heartbeat(id, "i-7-n1", Role.STANDBY, 19_990, 2));
        s = decided(decider, s, v2(52), new FailoverCommand.Heartbeat(id, "i-7-n3", Role.PRIMARY, 20_010, 2));
        assertThat(s).isEqualTo(v2State("v2-rejoined"));
    }

    private static InstanceHealth decided(FailoverDecider decider, InstanceHealth s, Instant at,
            FailoverCommand c) {
        return decider.fold(s, decider.decide(c, s, at));
    }
}
