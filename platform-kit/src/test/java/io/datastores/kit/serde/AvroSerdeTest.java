package io.datastores.kit.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.datastores.contract.Topics;
import io.datastores.events.EventMetadata;
import io.datastores.events.NodeAlertEnvelope;
import io.datastores.events.NodeFailed;
import io.datastores.kit.serde.UndecodableRecordException.Reason;

class AvroSerdeTest {

    private static final String SCOPE = "avro-serde-test";
    private final String url = "mock://" + SCOPE;

    @AfterEach
    void dropScope() {
        MockSchemaRegistry.drop(SCOPE);
    }

    static NodeAlertEnvelope alert(String instance) {
        return new NodeAlertEnvelope(new EventMetadata("e-" + instance, "c", null,
                Instant.ofEpochMilli(5), "test"), new NodeFailed(instance, "n1", "gone", "PLATFORM", 0L));
    }

    @Test
    void roundTripsThroughTheMockRegistry() {
        AvroSerde<NodeAlertEnvelope> serde = AvroSerde.forValues(NodeAlertEnvelope.class, url);
        byte[] bytes = serde.serializer().serialize("dcp.node-alerts", alert("i-1"));
        assertThat(serde.deserializer().deserialize("dcp.node-alerts", bytes)).isEqualTo(alert("i-1"));
        assertThat(MockSchemaRegistry.scope(SCOPE).subjects()).containsExactly("dcp.node-alerts-value");
    }

    @Test
    void genericReaderReadsInTheWritersSchema() {
        AvroSerde<NodeAlertEnvelope> serde = AvroSerde.forValues(NodeAlertEnvelope.class, url);
        byte[] bytes = serde.serializer().serialize("dcp.node-alerts", alert("i-2"));
        AvroDeserializer<GenericRecord> generic = new AvroDeserializer<>();
        generic.configure(Map.of(AvroSerializer.REGISTRY_URL, url), false);
        GenericRecord read = generic.deserialize("dcp.node-alerts", bytes);
        assertThat(((GenericRecord) read.get("payload")).get("instanceId").toString()).isEqualTo("i-2");
    }

    @Nested
    class Undecodable {

        private final AvroSerde<NodeAlertEnvelope> serde = AvroSerde.forValues(NodeAlertEnvelope.class, url);

        @Test
        void garbageIsNotTheWireFormat() {
            assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {7, 1, 2, 3, 4, 5}))
                    .isInstanceOfSatisfying(UndecodableRecordException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_WIRE_FORMAT));
            assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {0, 1}))
                    .isInstanceOfSatisfying(UndecodableRecordException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_WIRE_FORMAT));
        }

        @Test
        void unknownSchemaIdIsNamed() {
            byte[] bytes = WireFormat.frame(9999, new byte[] {2, 65});
            assertThatThrownBy(() -> serde.deserializer().deserialize("t", bytes))
                    .isInstanceOfSatisfying(UndecodableRecordException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID))
                    .hasMessageContaining("9999");
        }

        @Test
        void anotherTopicsSchemaIsIncompatible() {
            Schema other = Topics.INSTANCE_EVENTS.valueSchema();
            int id = MockSchemaRegistry.scope(SCOPE).register("x-value", other);
            assertThatThrownBy(() -> serde.deserializer().deserialize("t", WireFormat.frame(id, new byte[] {0})))
                    .isInstanceOfSatisfying(UndecodableRecordException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.INCOMPATIBLE_SCHEMA));
        }

        @Test
        void truncatedAndOverlongBodiesAreMalformed() {
            byte[] good = serde.serializer().serialize("t", alert("i-3"));
            byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
            byte[] overlong = java.util.Arrays.copyOf(good, good.length + 2);
            for (byte[] bad : new byte[][] {truncated, overlong}) {
                assertThatThrownBy(() -> serde.deserializer().deserialize("t", bad))
                        .isInstanceOfSatisfying(UndecodableRecordException.class,
                                e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_AVRO));
            }
        }
    }
}
