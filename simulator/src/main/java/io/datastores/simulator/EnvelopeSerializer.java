package io.datastores.simulator;

import org.apache.kafka.common.serialization.Serializer;

import io.datastores.contract.TopicSpec;
import io.datastores.contract.Topics;
import io.datastores.kit.serde.ContractSerdes;

/** Serializes any envelope of the contract with the serde of the topic it is sent to. */
final class EnvelopeSerializer implements Serializer<Object> {

    private final ContractSerdes serdes;

    EnvelopeSerializer(ContractSerdes serdes) {
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
