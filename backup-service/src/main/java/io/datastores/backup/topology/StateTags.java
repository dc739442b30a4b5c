package io.datastores.backup.topology;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.jsontype.NamedType;

import io.datastores.kit.json.JsonSerde;

/**
 * JSON for a state store whose records hold sealed interfaces (a lifecycle's phases): the kit's
 * {@link JsonSerde} mapper, with each record a sealed interface permits tagged with its simple
 * name in a {@value #TAG} property, as {@code EnvelopeJsonSerde} tags envelopes. The sealed
 * interfaces are found by walking the state's record components: the domain needs no annotation.
 */
public final class StateJsonSerde<T> implements Serde<T> {

    static final String TAG = "type";

    private final Class<T> type;
    private final ObjectReader reader;
    private final ObjectWriter writer;

    public StateJsonSerde(Class<T> type) {
        this.type = type;
        ObjectMapper mapper = JsonSerde.MAPPER.copy();
        Set<Class<?>> seen = new LinkedHashSet<>();
        walk(type, seen);
        for (Class<?> c : seen) {
            if (c.isSealed() && c.isInterface()) {
                mapper.addMixIn(c, Tagged.class);
            } else if (c.isRecord()
                    && Arrays.stream(c.getInterfaces()).anyMatch(Class::isSealed)) {
                boolean clash = Arrays.stream(c.getRecordComponents())
                        .anyMatch(r -> TAG.equals(r.getName()));
                if (clash) {
                    throw new IllegalArgumentException(c + " has a component named " + TAG);
                }
                mapper.registerSubtypes(new NamedType(c, c.getSimpleName()));
            }
        }
        this.reader = mapper.readerFor(type);
        this.writer = mapper.writerFor(type);
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = TAG)
    private interface Tagged {
    }

    /** The records and sealed interfaces reachable from {@code type}, outside the JDK. */
    private static void walk(Type type, Set<Class<?>> seen) {
        if (type instanceof ParameterizedType p) {
            walk(p.getRawType(), seen);
            Arrays.stream(p.getActualTypeArguments()).forEach(a -> walk(a, seen));
            return;
        }
        if (!(type instanceof Class<?> c) || c.isPrimitive() || c.getName().startsWith("java.")
                || !seen.add(c)) {
            return;
        }
        if (c.isSealed()) {
            Arrays.stream(c.getPermittedSubclasses()).forEach(s -> walk(s, seen));
        }
        if (c.isRecord()) {
            Arrays.stream(c.getRecordComponents()).map(RecordComponent::getGenericType)
                    .forEach(t -> walk(t, seen));
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return writer.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new SerializationException("cannot write " + type.getSimpleName(), e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                return reader.readValue(data);
            } catch (IOException e) {
                throw new SerializationException("cannot read " + type.getSimpleName(), e);
            }
        };
    }
}
