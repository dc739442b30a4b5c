package io.datastores.kit.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.specific.SpecificRecord;

import io.datastores.contract.TopicSpec;

/** The value serde of every topic of the contract, against one registry URL. */
public final class ContractSerdes {

    private final String registryUrl;
    private final Map<String, AvroSerde<?>> serdes = new ConcurrentHashMap<>();

    public ContractSerdes(String registryUrl) {
        this.registryUrl = registryUrl;
    }

    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> AvroSerde<T> value(TopicSpec<T> topic) {
        return (AvroSerde<T>) serdes.computeIfAbsent(topic.name(),
                n -> AvroSerde.forValues(topic.valueType(), registryUrl));
    }

    public SchemaRegistry registry() {
        return SchemaRegistries.forUrl(registryUrl);
    }

    public String registryUrl() {
        return registryUrl;
    }
}
