package io.datastores.provisioning.topology;

import java.io.IOException;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import io.datastores.kit.json.StateSerde;
import io.datastores.provisioning.domain.InstanceState;

/**
 * The {@value ProvisioningTopology#STORE} store's serde. Writes the kit's binary state format
 * ({@link StateSerde}: CBOR behind a self-describe header); reads that, and JSON text in either
 * shape an earlier version stored ({@link StoredInstanceState}), so that a store restored from a
 * changelog the previous version wrote keeps every instance's terms, nodes and retries.
 */
public final class InstanceStateSerde implements Serde<InstanceState> {

    private final StateSerde<InstanceState> binary = new StateSerde<>(InstanceState.class);

    @Override
    public Serializer<InstanceState> serializer() {
        return binary.serializer();
    }

    @Override
    public Deserializer<InstanceState> deserializer() {
        Deserializer<InstanceState> current = binary.deserializer();
        return (topic, data) -> {
            if (data == null || !isJsonText(data)) {
                return current.deserialize(topic, data);
            }
            try {
                return StoredInstanceState.read(data);
            } catch (IOException e) {
                throw new SerializationException("cannot read InstanceState", e);
            }
        };
    }

    /** JSON text: an object, after any white space (CBOR's header starts with 0xD9). */
    static boolean isJsonText(byte[] data) {
        for (byte b : data) {
            if (b == '{') {
                return true;
            }
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return false;
    }
}
