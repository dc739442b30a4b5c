package io.datastores.kit.serde;

import org.apache.kafka.common.serialization.Serializer;

import io.datastores.contract.TopicSpec;
import io.datastores.contract.Topics;

/**
 * Serializes any envelope of the contract with the serde of the topic it is sent to: for a producer that
 * writes several topics (the data plane writes its events and its telemetry).
 */
public final class EnvelopeSerializer implements Serializer<Object> {

    private final ContractSerdes serdes;

    public EnvelopeSerializer(ContractSerdes serdes) {
        this.serdes = serdes;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public byte[] serialize(String topic, Object value) {
        TopicSpec spec = Topics.byName(topic)
                .orElseThrow(() -> new IllegalArgumentException("not a contract topic: " + topic));
        return serdes.value(spec).serializer().serialize(topic, value);
    }
}
