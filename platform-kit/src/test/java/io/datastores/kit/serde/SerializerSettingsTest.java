package io.datastores.kit.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.datastores.contract.SchemaHistory;
import io.datastores.contract.Topics;
import io.datastores.events.NodeAlertEnvelope;

/**
 * The serializer with the settings Confluent's production setups use: {@code auto.register.schemas}
 * off, with or without {@code use.latest.version}. It writes the bytes Confluent's serializer would
 * (the id it would choose, the body in the schema it would choose) and registers nothing.
 */
class SerializerSettingsTest {

    private static final String SCOPE = "serializer-settings-test";
    private static final String TOPIC = "dcp.node-alerts";
    private static final String SUBJECT = TOPIC + "-value";
    private final MockSchemaRegistry registry = MockSchemaRegistry.scope(SCOPE);
    private final Schema current = NodeAlertEnvelope.getClassSchema();

    @AfterEach
    void dropScope() {
        MockSchemaRegistry.drop(SCOPE);
    }

    private AvroSerializer<NodeAlertEnvelope> serializer(Object... settings) {
        Map<String, Object> configs = new HashMap<>();
        configs.put(AvroSerializer.REGISTRY_URL, "mock://" + SCOPE);
        for (int i = 0; i < settings.length; i += 2) {
            configs.put((String) settings[i], settings[i + 1]);
        }
        AvroSerializer<NodeAlertEnvelope> serializer = new AvroSerializer<>();
        serializer.configure(configs, false);
        return serializer;
    }

    /** The subject's first stored version (before NodeFailed had an epoch). */
    private static Schema olderVersion() {
        return SchemaHistory.packaged(SUBJECT).get(0);
    }

    @Nested
    @DisplayName("auto.register.schemas=false, use.latest.version=true")
    class LatestVersion {

        @Test
        void givenNothingRegistered_whenSerializing_thenRefusedNamingTheSubject() {
            AvroSerializer<NodeAlertEnvelope> serializer = serializer(
                    AvroSerializer.AUTO_REGISTER_SCHEMAS, "false",
                    AvroSerializer.USE_LATEST_VERSION, true);

            assertThatThrownBy(() -> serializer.serialize(TOPIC, AvroSerdeTest.alert("i-1")))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining(SUBJECT);
            assertThat(registry.subjects()).isEmpty();
        }

        @Test
        void givenHistoryRegistered_whenSerializing_thenTheLatestIdAndConfluentsBytes() {
            Schema older = olderVersion();
            assertThat(older).isNotEqualTo(current);
            int olderId = registry.register(SUBJECT, older);
            int latestId = registry.register(SUBJECT, current);
            assertThat(latestId).isNotEqualTo(olderId);

            byte[] bytes = serializer(AvroSerializer.AUTO_REGISTER_SCHEMAS, false,
                    AvroSerializer.USE_LATEST_VERSION, "true")
                    .serialize(TOPIC, AvroSerdeTest.alert("i-2"));

            assertThat(WireFormat.unframe(bytes).schemaId()).isEqualTo(latestId);
            byte[] autoRegistered = serializer().serialize(TOPIC, AvroSerdeTest.alert("i-2"));
            assertThat(bytes).as("the same bytes as an auto-registering producer writes")
                    .isEqualTo(autoRegistered);
            assertThat(registry.versions(SUBJECT)).hasSize(2);
        }

        @Test
        void givenALatestThatCannotReadTheRecord_whenStrict_thenRefused() {
            Schema other = Topics.INSTANCE_EVENTS.valueSchema();
            registry.register(SUBJECT, other);
            AvroSerializer<NodeAlertEnvelope> strict = serializer(
                    AvroSerializer.AUTO_REGISTER_SCHEMAS, false, AvroSerializer.USE_LATEST_VERSION, true);

            assertThatThrownBy(() -> strict.serialize(TOPIC, AvroSerdeTest.alert("i-3")))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining(SUBJECT).hasMessageContaining("cannot read");
        }
    }

    @Nested
    @DisplayName("auto.register.schemas=false alone")
    class LookUpOnly {

        @Test
        void givenTheSchemaRegistered_whenSerializing_thenItsIdIsLookedUp() {
            int olderId = registry.register(SUBJECT, olderVersion());
            int id = registry.register(SUBJECT, current);

            byte[] bytes = serializer(AvroSerializer.AUTO_REGISTER_SCHEMAS, false)
                    .serialize(TOPIC, AvroSerdeTest.alert("i-4"));

            assertThat(WireFormat.unframe(bytes).schemaId()).isEqualTo(id).isNotEqualTo(olderId);
        }

        @Test
        void givenOnlyAnotherVersionRegistered_whenSerializing_thenRefused() {
            registry.register(SUBJECT, olderVersion());
            AvroSerializer<NodeAlertEnvelope> serializer =
                    serializer(AvroSerializer.AUTO_REGISTER_SCHEMAS, false);

            assertThatThrownBy(() -> serializer.serialize(TOPIC, AvroSerdeTest.alert("i-5")))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("looking up").hasMessageContaining(SUBJECT);
            assertThat(registry.versions(SUBJECT)).hasSize(1);
        }
    }

    @Test
    @DisplayName("by default, as Confluent's serializer: the record's schema is registered")
    void autoRegistersByDefault() {
        byte[] bytes = serializer().serialize(TOPIC, AvroSerdeTest.alert("i-6"));

        assertThat(registry.versions(SUBJECT)).hasSize(1);
        assertThat(WireFormat.unframe(bytes).schemaId())
                .isEqualTo(registry.lookup(SUBJECT, current));
    }
}
