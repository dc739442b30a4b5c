package io.datastores.kit.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import io.datastores.events.Cloud;
import io.datastores.events.Engine;
import io.datastores.events.EventMetadata;
import io.datastores.events.InstanceRequestEnvelope;
import io.datastores.events.InstanceRequested;
import io.datastores.events.NodeAlertEnvelope;
import io.datastores.events.NodeFailed;

/**
 * Byte-level proof of Confluent compatibility: the fixtures under {@code fixtures/confluent} are
 * derived by hand from Confluent's wire-format and Avro's binary specs. Our serializer must write
 * exactly those bytes under Confluent's subject name, and our deserializer must read them.
 */
class ConfluentWireFixturesTest {

    /** A registry that hands out a fixed id and remembers what was registered. */
    static final class FixedIdRegistry extends ForwardingSchemaRegistry {
        final int id;
        final List<String> subjects = new ArrayList<>();
        final List<Schema> schemas = new ArrayList<>();

        FixedIdRegistry(int id) {
            super(MockSchemaRegistry.scope("fixtures-" + id));
            this.id = id;
        }

        @Override
        public int register(String subject, Schema schema) {
            subjects.add(subject);
            schemas.add(schema);
            return id;
        }

        @Override
        public Schema schemaById(int requested) {
            return requested == id ? schemas.get(0) : super.schemaById(requested);
        }
    }

    @Test
    void nodeAlertMatchesConfluentBytes() throws IOException {
        NodeAlertEnvelope envelope = NodeAlertEnvelope.newBuilder()
                .setMetadata(new EventMetadata("e1", "c1", null, Instant.ofEpochMilli(1_700_000_000_000L), "p"))
                .setPayload(new NodeFailed("i1", "n1", "lost", "PLATFORM", 3L))
                .build();
        FixedIdRegistry registry = new FixedIdRegistry(42);

        byte[] bytes = serialize(registry, "dcp.node-alerts", envelope);

        assertThat(HexFormat.ofDelimiter(" ").formatHex(bytes)).isEqualTo(fixture("node-alert.hex"));
        assertThat(registry.subjects).containsExactly("dcp.node-alerts-value");
        assertThat(registry.schemas.get(0).toString()).isEqualTo(NodeAlertEnvelope.getClassSchema().toString());
        assertThat(new AvroDeserializer<>(NodeAlertEnvelope.class, registry)
                .deserialize("dcp.node-alerts", bytes)).isEqualTo(envelope);
    }

    @Test
    void instanceRequestMatchesConfluentBytes() throws IOException {
        InstanceRequestEnvelope envelope = InstanceRequestEnvelope.newBuilder()
                .setMetadata(new EventMetadata("e", "c", "e0", Instant.EPOCH, "x"))
                .setPayload(InstanceRequested.newBuilder()
                        .setRequestId("r").setOrganizationId("o").setInstanceId("i")
                        .setDisplayName("db").setEngine(Engine.MYSQL).setCloud(Cloud.GCP)
                        .setRegion("eu").setPlan("HOBBYIST").setTlsRequired(true)
                        .setAllowlist(List.of("10.0.0.0/8", "::/0")).setScriptingEnabled(false)
                        .build())
                .build();
        FixedIdRegistry registry = new FixedIdRegistry(7);

        byte[] bytes = serialize(registry, "dcp.instance-requests", envelope);

        assertThat(HexFormat.ofDelimiter(" ").formatHex(bytes)).isEqualTo(fixture("instance-requested.hex"));
        assertThat(registry.subjects).containsExactly("dcp.instance-requests-value");
        InstanceRequestEnvelope read = new AvroDeserializer<>(InstanceRequestEnvelope.class, registry)
                .deserialize("dcp.instance-requests", HexFormat.ofDelimiter(" ")
                        .parseHex(fixture("instance-requested.hex")));
        assertThat(read).isEqualTo(envelope);
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> byte[] serialize(
            SchemaRegistry registry, String topic, T value) {
        AvroSerializer<T> serializer = new AvroSerializer<>(registry);
        serializer.configure(Map.of(), false);
        return serializer.serialize(topic, value);
    }

    /** The fixture's hex bytes, comments and line breaks removed, space-separated. */
    static String fixture(String name) throws IOException {
        try (InputStream in = ConfluentWireFixturesTest.class.getResourceAsStream("/fixtures/confluent/" + name)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return String.join(" ", text.lines()
                    .filter(l -> !l.startsWith("#") && !l.isBlank())
                    .flatMap(l -> java.util.Arrays.stream(l.trim().split("\\s+")))
                    .toList());
        }
    }
}
