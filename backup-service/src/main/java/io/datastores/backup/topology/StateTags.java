package io.datastores.backup.topology;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;

/**
 * Tags for a stored state whose records hold sealed interfaces (a lifecycle's phases): each record
 * a sealed interface permits is written with its simple name in a {@value #TAG} property, as
 * {@code EnvelopeJsonSerde} tags envelopes. The sealed interfaces are found by walking the state's
 * record components: the domain needs no annotation. Applies to any Jackson mapper, text or CBOR.
 */
final class StateTags {

    static final String TAG = "type";

    private StateTags() {
    }

    /** A copy of {@code base} that tags the sealed phases reachable from {@code type}. */
    static ObjectMapper tagged(ObjectMapper base, Class<?> type) {
        ObjectMapper mapper = base.copy();
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
        return mapper;
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
}
