package io.datastores.failover.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.datastores.failover.domain.HeartbeatSplit;
import io.datastores.failover.domain.InstanceHealth;
import io.datastores.kit.json.JsonSerde;
import io.datastores.kit.json.StateSerde;

/**
 * State the previous version stored (JSON, in src/test/resources/state) reads with this version's
 * serde, means what it meant, and survives this version's binary form and split unchanged.
 * This version groups some of its fields ({@link #PARTS}): each moves one to one.
 */
class StoredStateTest {

    /** The objects this version groups fields in, which the previous version held flat. */
    static final Set<String> PARTS = Set.of("instance", "failure", "promotion", "outcome");

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
        if (n instanceof ArrayNode a) {
            ArrayNode f = a.arrayNode();
            a.forEach(e -> f.add(flattened(e)));
            return f;
        }
        if (!(n instanceof ObjectNode o)) {
            return n;
        }
        ObjectNode f = o.objectNode();
        o.fields().forEachRemaining(e -> {
            if (PARTS.contains(e.getKey()) && e.getValue() instanceof ObjectNode part) {
                ((ObjectNode) flattened(part)).fields()
                        .forEachRemaining(p -> f.set(p.getKey(), p.getValue()));
            } else {
                f.set(e.getKey(), flattened(e.getValue()));
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
}
