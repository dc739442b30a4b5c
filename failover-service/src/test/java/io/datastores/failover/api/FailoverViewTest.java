package io.datastores.failover.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.datastores.failover.domain.InstanceHealth;
import io.datastores.failover.topology.InstanceHealthSerde;
import io.datastores.kit.json.JsonSerde;
import io.datastores.kit.json.StateSerde;
import io.micronaut.serde.ObjectMapper;

/**
 * {@code GET /instances/{id}/failovers} answers each failover as before the state grouped its
 * fields: the previous version's flat failover (its stored state), field for field and in order,
 * without the absent ones (as the service's serde settings leave them out).
 */
class FailoverViewTest {

    static Stream<String> fixtures() {
        return Stream.of("v1-rewound-and-rejoined.json", "v1-switchover-completed.json",
                "v1-promoted.json", "v1-restoring.json");
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void eachFailoverIsAnsweredAsThePreviousFlatOne_fieldForFieldInOrder(String name)
            throws IOException {
        byte[] stored;
        try (InputStream in = getClass().getResourceAsStream("/state/" + name)) {
            stored = in.readAllBytes();
        }
        JsonNode before = JsonSerde.MAPPER.readTree(stored);
        InstanceHealth now = new InstanceHealthSerde().deserializer().deserialize("t", stored);
        List<JsonNode> expected = new ArrayList<>();
        List<InstanceHealth.Failover> failovers = new ArrayList<>();
        if (now.active() != null) {
            expected.add(before.get("active"));
            failovers.add(now.active());
        }
        before.get("history").forEach(expected::add);
        failovers.addAll(now.history());
        assertThat(failovers).as("failovers in %s", name).isNotEmpty().hasSize(expected.size());

        try (ObjectMapper.CloseableObjectMapper mapper = ObjectMapper.create(
                Map.of("micronaut.serde.serialization.inclusion", "NON_NULL"))) {
            for (int i = 0; i < failovers.size(); i++) {
                JsonNode answer = JsonSerde.MAPPER.readTree(
                        mapper.writeValueAsString(FailoverView.of(failovers.get(i))));
                JsonNode was = withoutNulls(expected.get(i));
                assertThat(names(answer)).containsExactlyElementsOf(names(was));
                assertThat(answer).isEqualTo(was);
            }
        }
    }

    static Stream<String> nodeFixtures() {
        return Stream.concat(fixtures(), Stream.of("v2-replacement-pending.whole.cbor",
                "v2-lost-forgotten.whole.cbor", "v2-fenced.whole.cbor", "v2-rejoined.whole.cbor"));
    }

    /** {@code GET /instances/{id}/nodes} answers each node as the previous flat one. */
    @ParameterizedTest
    @MethodSource("nodeFixtures")
    void eachNodeIsAnsweredAsThePreviousFlatOne_fieldForFieldInOrder(String name)
            throws IOException {
        byte[] stored;
        try (InputStream in = getClass().getResourceAsStream("/state/" + name)) {
            stored = in.readAllBytes();
        }
        JsonNode before = new StateSerde<>(JsonNode.class).deserializer().deserialize("t", stored);
        InstanceHealth now = new InstanceHealthSerde().deserializer().deserialize("t", stored);
        assertThat(now.nodes()).as("nodes in %s", name).isNotEmpty()
                .hasSize(before.get("nodes").size());
        try (ObjectMapper.CloseableObjectMapper mapper = ObjectMapper.create(
                Map.of("micronaut.serde.serialization.inclusion", "NON_NULL"))) {
            for (int i = 0; i < now.nodes().size(); i++) {
                JsonNode answer = JsonSerde.MAPPER.readTree(
                        mapper.writeValueAsString(NodeView.of(now.nodes().get(i))));
                JsonNode was = withoutNulls(before.get("nodes").get(i));
                assertThat(names(answer)).containsExactlyElementsOf(names(was));
                assertThat(answer).isEqualTo(was);
            }
        }
    }

    private static List<String> names(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode withoutNulls(JsonNode n) {
        if (n instanceof ArrayNode a) {
            ArrayNode c = a.arrayNode();
            a.forEach(e -> c.add(withoutNulls(e)));
            return c;
        }
        if (n instanceof ObjectNode o) {
            ObjectNode c = o.objectNode();
            o.fields().forEachRemaining(f -> {
                if (!f.getValue().isNull()) {
                    c.set(f.getKey(), withoutNulls(f.getValue()));
                }
            });
            return c;
        }
        return n;
    }
}
