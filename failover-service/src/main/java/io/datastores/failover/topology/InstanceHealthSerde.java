package io.datastores.failover.topology;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.datastores.failover.domain.InstanceHealth;
import io.datastores.kit.json.StateSerde;

/**
 * The serde of {@link InstanceHealth} in {@value FailoverTopology#STORE} and its changelog. It
 * writes this version's shape as {@link StateSerde} does (CBOR). It reads CBOR or JSON text, in
 * this version's shape or in a previous version's flatter one (the instance's, a failover's or a
 * node's fields not yet grouped in parts), which {@link StoredInstanceHealth} moves one to one into
 * this version's: what previous versions stored reads on.
 */
public final class InstanceHealthSerde implements Serde<InstanceHealth> {

    private final StateSerde<InstanceHealth> state = new StateSerde<>(InstanceHealth.class);
    private final Deserializer<JsonNode> document =
            new StateSerde<>(JsonNode.class).deserializer();

    @Override
    public Serializer<InstanceHealth> serializer() {
        return state.serializer();
    }

    @Override
    public Deserializer<InstanceHealth> deserializer() {
        Deserializer<InstanceHealth> binary = state.deserializer();
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            if (isCbor(data)) {
                InstanceHealth h = current(binary, topic, data);
                if (h != null) {
                    return h;
                }
            }
            try {
                return StoredInstanceHealth.read(document.deserialize(topic, data));
            } catch (JsonProcessingException e) {
                throw new SerializationException("cannot read a stored InstanceHealth", e);
            }
        };
    }

    /** The state, read in this version's shape; null when it is stored in another. */
    private static InstanceHealth current(Deserializer<InstanceHealth> binary, String topic,
            byte[] data) {
        try {
            InstanceHealth h = binary.deserialize(topic, data);
            return StoredInstanceHealth.current(h) ? h : null;
        } catch (SerializationException e) {
            return null;
        }
    }

    /** Whether {@code data} starts with CBOR's self-describe tag, as {@link StateSerde} writes. */
    private static boolean isCbor(byte[] data) {
        return data.length >= 3 && (data[0] & 0xFF) == 0xD9 && (data[1] & 0xFF) == 0xD9
                && (data[2] & 0xFF) == 0xF7;
    }
}
