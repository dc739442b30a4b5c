package io.datastores.kit.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;

/**
 * Caches what never changes in a registry: the id a schema got (or was found to have) under a
 * subject and the schema behind an id. Serializing or deserializing a record costs a registry call once per schema, not
 * once per record. Everything else passes through.
 */
public final class CachingSchemaRegistry extends ForwardingSchemaRegistry {

    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    public CachingSchemaRegistry(SchemaRegistry delegate) {
        super(delegate);
    }

    @Override
    public int register(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer id = ids.get(schema);
        if (id == null) {
            id = super.register(subject, schema);
            ids.put(schema, id);
            schemasById.putIfAbsent(id, schema);
        }
        return id;
    }

    @Override
    public int lookup(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer id = ids.get(schema);
        if (id == null) {
            id = super.lookup(subject, schema);
            ids.put(schema, id);
            schemasById.putIfAbsent(id, schema);
        }
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            schema = super.schemaById(id);
            schemasById.put(id, schema);
        }
        return schema;
    }
}
