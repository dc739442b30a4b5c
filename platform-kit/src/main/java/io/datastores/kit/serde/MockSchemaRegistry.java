package io.datastores.kit.serde;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * An in-memory registry for tests, reached with {@code mock://scope} like Confluent's: every
 * serde configured with the same scope shares one registry. Ids are global and a schema
 * registered under several subjects keeps one id, as on a real registry. Compatibility is checked
 * BACKWARD_TRANSITIVE when a subject (or the registry) is set to it, otherwise NONE.
 */
public final class MockSchemaRegistry implements SchemaRegistry {

    public static final String PREFIX = "mock://";

    private static final Map<String, MockSchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final Map<String, Integer> idsByCanonical = new LinkedHashMap<>();
    private final Map<Integer, Schema> schemasById = new LinkedHashMap<>();
    private final Map<String, List<Integer>> subjectVersions = new LinkedHashMap<>();
    private final Map<String, String> compatibility = new LinkedHashMap<>();
    private String globalCompatibility = "NONE";

    /** The registry of {@code scope}, created on first use. */
    public static MockSchemaRegistry scope(String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new MockSchemaRegistry());
    }

    /** Forgets a scope, for test isolation. */
    public static void drop(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        String canonical = schema.toString();
        Integer id = idsByCanonical.get(canonical);
        List<Integer> versions = subjectVersions.computeIfAbsent(subject, s -> new ArrayList<>());
        if (id != null && versions.contains(id)) {
            return id;
        }
        if (!isCompatible(subject, schema)) {
            throw new SchemaRegistryException(409, 409,
                    "Schema being registered is incompatible with an earlier schema for subject "
                            + subject);
        }
        if (id == null) {
            id = schemasById.size() + 1;
            idsByCanonical.put(canonical, id);
            schemasById.put(id, schema);
        }
        versions.add(id);
        return id;
    }

    @Override
    public synchronized int lookup(String subject, Schema schema) {
        List<Integer> versions = subjectVersions.get(subject);
        if (versions == null) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_NOT_FOUND,
                    "Subject '" + subject + "' not found.");
        }
        Integer id = idsByCanonical.get(schema.toString());
        if (id == null || !versions.contains(id)) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND,
                    "Schema not found");
        }
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND,
                    "Schema " + id + " not found");
        }
        return schema;
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(subjectVersions.keySet());
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        List<Integer> ids = subjectVersions.get(subject);
        if (ids == null) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_NOT_FOUND,
                    "Subject '" + subject + "' not found.");
        }
        List<Integer> versions = new ArrayList<>();
        for (int i = 1; i <= ids.size(); i++) {
            versions.add(i);
        }
        return versions;
    }

    @Override
    public synchronized SubjectVersion version(String subject, String version) {
        List<Integer> ids = subjectVersions.get(subject);
        if (ids == null || ids.isEmpty()) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_NOT_FOUND,
                    "Subject '" + subject + "' not found.");
        }
        int v = "latest".equals(version) ? ids.size() : Integer.parseInt(version);
        if (v < 1 || v > ids.size()) {
            throw new SchemaRegistryException(404, SchemaRegistryException.VERSION_NOT_FOUND,
                    "Version " + version + " not found.");
        }
        int id = ids.get(v - 1);
        return new SubjectVersion(subject, v, id, schemasById.get(id));
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        String level = compatibility.getOrDefault(subject, globalCompatibility);
        if (!level.startsWith("BACKWARD")) {
            return true;
        }
        List<Integer> ids = subjectVersions.getOrDefault(subject, List.of());
        List<Integer> checked = level.endsWith("TRANSITIVE") || ids.isEmpty()
                ? ids : List.of(ids.get(ids.size() - 1));
        return checked.stream().allMatch(id -> SchemaCompatibility
                .checkReaderWriterCompatibility(schema, schemasById.get(id)).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }

    @Override
    public synchronized void setCompatibility(String subject, String level) {
        if (subject == null) {
            globalCompatibility = level;
        } else {
            compatibility.put(subject, level);
        }
    }

    /** As Apicurio: a subject holds the global level until it is given its own; unknown, none. */
    @Override
    public synchronized java.util.Optional<String> compatibility(String subject) {
        if (subject == null) {
            return java.util.Optional.of(globalCompatibility);
        }
        if (compatibility.containsKey(subject)) {
            return java.util.Optional.of(compatibility.get(subject));
        }
        return subjectVersions.containsKey(subject) ? java.util.Optional.of(globalCompatibility)
                : java.util.Optional.empty();
    }
}
