package io.datastores.kit.json;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.datastores.kit.decider.Envelope;
import io.datastores.kit.decider.EventMeta;

/**
 * JSON for a service's internal topics (repartitions between its own stages): an
 * {@link Envelope} of one of the records that a sealed domain interface permits (directly or through
 * nested sealed interfaces), tagged with the record's simple name. The domain needs no annotation.
 */
public final class EnvelopeJsonSerde<T> implements Serde<Envelope<T>> {

    private final Map<String, Class<?>> types;

    public EnvelopeJsonSerde(Class<T> sealedType) {
        if (!sealedType.isSealed()) {
            throw new IllegalArgumentException(sealedType + " is not sealed");
        }
        this.types = concrete(sealedType).collect(Collectors.toMap(Class::getSimpleName, Function.identity()));
    }

    /** The records a sealed type permits, through nested sealed interfaces. */
    private static Stream<Class<?>> concrete(Class<?> type) {
        return type.isSealed() ? Arrays.stream(type.getPermittedSubclasses()).flatMap(EnvelopeJsonSerde::concrete)
                : Stream.of(type);
    }

    @Override
    public Serializer<Envelope<T>> serializer() {
        return (topic, envelope) -> {
            if (envelope == null) {
                return null;
            }
            ObjectNode node = JsonSerde.MAPPER.createObjectNode();
            node.set("meta", JsonSerde.MAPPER.valueToTree(envelope.meta()));
            node.put("type", envelope.body().getClass().getSimpleName());
            node.set("body", JsonSerde.MAPPER.valueToTree(envelope.body()));
            try {
                return JsonSerde.MAPPER.writeValueAsBytes(node);
            } catch (IOException e) {
                throw new SerializationException("cannot write " + envelope.body().getClass(), e);
            }
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public Deserializer<Envelope<T>> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                JsonNode node = JsonSerde.MAPPER.readTree(data);
                Class<?> type = types.get(node.path("type").asText());
                if (type == null) {
                    throw new SerializationException("unknown type " + node.path("type") + " on " + topic);
                }
                EventMeta meta = JsonSerde.MAPPER.treeToValue(node.get("meta"), EventMeta.class);
                return new Envelope<>(meta, (T) JsonSerde.MAPPER.treeToValue(node.get("body"), type));
            } catch (IOException e) {
                throw new SerializationException("cannot read an envelope on " + topic, e);
            }
        };
    }
}
