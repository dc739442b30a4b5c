package io.datastores.kit.json;

import java.util.Map;
import java.util.ServiceLoader;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Jackson mix-ins a service gives the kit's mappers ({@link JsonSerde}, {@link StateSerde}): how a
 * domain type is written and read, declared outside the domain package, which knows no Jackson. A
 * service lists its provider in {@code META-INF/services/io.datastores.kit.json.JsonMixIns}; each
 * mapper applies every provider on the class path once, when it is built, before it writes anything.
 * A provider runs inside those mappers' initialisation: it must not use them. A service whose
 * documents depend on its mix-ins checks at start that they are applied ({@link #require}): a provider
 * the class loader did not find would write, and read back without an error, another shape.
 */
public interface JsonMixIns {

    /** Each target type and the mix-in whose annotations apply to it. */
    Map<Class<?>, Class<?>> mixIns();

    /**
     * Throws unless the kit's mappers ({@link JsonSerde}'s and {@link StateSerde}'s) apply {@code mixIn}
     * to {@code target}.
     */
    static void require(Class<?> target, Class<?> mixIn) {
        if (JsonSerde.MAPPER.findMixInClassFor(target) != mixIn || StateSerde.CBOR.findMixInClassFor(target) != mixIn) {
            throw new IllegalStateException("the JSON mix-in " + mixIn.getName() + " is not applied to "
                    + target.getName() + ": its provider is not listed in META-INF/services/"
                    + JsonMixIns.class.getName() + " where the kit's class loader finds it");
        }
    }

    /** {@code mapper} with every provider's mix-ins. */
    static ObjectMapper applyAll(ObjectMapper mapper) {
        for (JsonMixIns provider : ServiceLoader.load(JsonMixIns.class, JsonMixIns.class.getClassLoader())) {
            provider.mixIns().forEach(mapper::addMixIn);
        }
        return mapper;
    }
}
