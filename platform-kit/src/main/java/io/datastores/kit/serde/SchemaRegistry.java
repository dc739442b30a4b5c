package io.datastores.kit.serde;

import java.util.List;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry REST API the control plane uses. Implementations:
 * {@link RestSchemaRegistry} (any Confluent-compatible server), {@link MockSchemaRegistry}
 * ({@code mock://scope}, in memory, for tests), {@link CachingSchemaRegistry} (in front of REST).
 */
public interface SchemaRegistry {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /**
     * The id {@code schema} has under {@code subject}, registering nothing (Confluent's "check if a
     * schema is registered under a subject"); {@link SchemaRegistryException} 40401 when the subject
     * is unknown, 40403 when the schema is not one of its versions.
     */
    int lookup(String subject, Schema schema);

    /** The schema with this global id; {@link SchemaRegistryException} 40403 when unknown. */
    Schema schemaById(int id);

    /** All subjects. */
    List<String> subjects();

    /** Version numbers of a subject, ascending. */
    List<Integer> versions(String subject);

    /** One version of a subject ({@code "latest"} or a number). */
    SubjectVersion version(String subject, String version);

    /** Whether {@code schema} may be registered as the next version of {@code subject}. */
    boolean isCompatible(String subject, Schema schema);

    /** Sets the compatibility level of a subject, or the global level when subject is null. */
    void setCompatibility(String subject, String level);

    /**
     * The compatibility level a subject holds (the global level when subject is null); empty for a
     * subject the registry does not know.
     */
    java.util.Optional<String> compatibility(String subject);

    /** One registered version of a subject. */
    record SubjectVersion(String subject, int version, int id, Schema schema) {
    }
}
