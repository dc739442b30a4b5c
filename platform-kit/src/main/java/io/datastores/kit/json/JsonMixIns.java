package io.datastores.kit.json;

import java.util.Map;
import java.util.ServiceLoader;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Jackson mix-ins a service gives the kit's mappers ({@link JsonSerde}, {@link StateSerde}): how a
 * domain type is written and read, declared outside the domain package, which knows no Jackson. A
 * service lists its provider in {@code META-INF/services/io.datastores.kit.json.JsonMixIns}; each
 * mapper applies every provider on the class path once, when it is built, before it writes anything.
 */
public interface JsonMixIns {

    /** Each target type and the mix-in whose annotations apply to it. */
    Map<Class<?>, Class<?>> mixIns();

    /** {@code mapper} with every provider's mix-ins. */
    static ObjectMapper applyAll(ObjectMapper mapper) {
        for (JsonMixIns provider : ServiceLoader.load(JsonMixIns.class, JsonMixIns.class.getClassLoader())) {
            provider.mixIns().forEach(mapper::addMixIn);
        }
        return mapper;
    }
}
