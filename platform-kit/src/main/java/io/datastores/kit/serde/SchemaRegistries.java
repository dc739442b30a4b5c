package io.datastores.kit.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Resolves a {@code schema.registry.url} to a registry: {@code mock://scope} or a REST URL. */
public final class SchemaRegistries {

    private static final Map<String, SchemaRegistry> CLIENTS = new ConcurrentHashMap<>();

    private SchemaRegistries() {
    }

    /** One shared, caching client per URL, so that every serde of a JVM shares the cache. */
    public static SchemaRegistry forUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("schema.registry.url is not set");
        }
        if (url.startsWith(MockSchemaRegistry.PREFIX)) {
            return MockSchemaRegistry.scope(url.substring(MockSchemaRegistry.PREFIX.length()));
        }
        return CLIENTS.computeIfAbsent(url, u -> new CachingSchemaRegistry(new RestSchemaRegistry(u)));
    }
}
