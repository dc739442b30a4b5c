package io.datastores.kit.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import io.datastores.contract.AvroTrust;

/**
 * Writes Avro records in Confluent's wire format, byte for byte what
 * {@code io.confluent.kafka.serializers.KafkaAvroSerializer} writes with the same settings: the
 * subject is {@code <topic>-value} (or {@code -key}, TopicNameStrategy) and the value follows the
 * 5-byte header. Which schema id the header carries is chosen as Confluent's serializer chooses it:
 * <ul>
 * <li>{@code auto.register.schemas=true} (the default): the record's own schema is registered
 * (idempotent) and its id written;</li>
 * <li>{@code auto.register.schemas=false}, {@code use.latest.version=true} (production setups): the
 * subject's latest version is fetched once, checked to read the record's schema (unless
 * {@code latest.compatibility.strict=false}), and the record is written in it, under its id;</li>
 * <li>{@code auto.register.schemas=false} alone: the record's schema must already be registered
 * under the subject; its id is looked up.</li>
 * </ul>
 * Nothing found in the registry is a {@link SerializationException} that names the subject.
 *
 * <p>Configuration: {@code schema.registry.url} (a REST URL or {@code mock://scope}) and the three
 * settings above.
 */
public class AvroSerializer<T extends GenericContainer> implements Serializer<T> {

    public static final String REGISTRY_URL = "schema.registry.url";
    /** Confluent's setting: register the record's schema when serializing (default true). */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Confluent's setting: write in the subject's latest version (default false). */
    public static final String USE_LATEST_VERSION = "use.latest.version";
    /** Confluent's setting: the latest version must read the record's schema (default true). */
    public static final String LATEST_COMPATIBILITY_STRICT = "latest.compatibility.strict";

    static {
        AvroTrust.install();
    }

    private SchemaRegistry registry;
    private boolean isKey;
    private boolean autoRegister = true;
    private boolean useLatestVersion;
    private boolean latestCompatibilityStrict = true;

    public AvroSerializer() {
    }

    public AvroSerializer(SchemaRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        if (registry == null) {
            Object url = configs.get(REGISTRY_URL);
            registry = SchemaRegistries.forUrl(url == null ? null : url.toString());
        }
        autoRegister = flag(configs, AUTO_REGISTER_SCHEMAS, true);
        useLatestVersion = flag(configs, USE_LATEST_VERSION, false);
        latestCompatibilityStrict = flag(configs, LATEST_COMPATIBILITY_STRICT, true);
    }

    private static boolean flag(Map<String, ?> configs, String name, boolean otherwise) {
        Object value = configs.get(name);
        return value == null ? otherwise : Boolean.parseBoolean(value.toString().trim());
    }

    /**
     * What a subject's records are written with: the id for the header and the schema to encode
     * in, for the very schema object of the record it was resolved for (a generated class's schema
     * is one object, so the common case costs a reference comparison, not a deep hash of the
     * schema).
     */
    private record Resolved(Schema recordSchema, int id, Schema writerSchema) {
    }

    private final java.util.Map<String, Resolved> lastBySubject =
            new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public byte[] serialize(String topic, T value) {
        if (value == null) {
            return null;
        }
        Schema schema = value.getSchema();
        String subject = topic + (isKey ? "-key" : "-value");
        Resolved last = lastBySubject.get(subject);
        if (last == null || last.recordSchema() != schema) {
            last = resolve(subject, schema);
            lastBySubject.put(subject, last);
        }
        return WireFormat.frame(last.id(), encode(last.writerSchema(), value));
    }

    private Resolved resolve(String subject, Schema schema) {
        try {
            if (autoRegister) {
                return new Resolved(schema, registry.register(subject, schema), schema);
            }
            if (useLatestVersion) {
                SchemaRegistry.SubjectVersion latest = registry.version(subject, "latest");
                if (latest.schema().equals(schema)) {
                    return new Resolved(schema, latest.id(), schema);
                }
                if (latestCompatibilityStrict && SchemaCompatibility.checkReaderWriterCompatibility(
                        latest.schema(), schema).getType() != SchemaCompatibilityType.COMPATIBLE) {
                    throw new SerializationException("the latest version of " + subject + " (v"
                            + latest.version() + ", id " + latest.id() + ") cannot read "
                            + schema.getFullName() + " as this producer has it; set "
                            + LATEST_COMPATIBILITY_STRICT + "=false to write in it all the same");
                }
                return new Resolved(schema, latest.id(), latest.schema());
            }
            return new Resolved(schema, registry.lookup(subject, schema), schema);
        } catch (SchemaRegistryException e) {
            String how = autoRegister ? "registering"
                    : useLatestVersion ? "fetching the latest version of" : "looking up";
            throw new SerializationException("error " + how + " the schema of " + subject + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Writers of generated classes, by schema (by identity: a generated class's schema is one object); a
     * writer keeps no state between writes.
     */
    private static final java.util.Map<Schema, DatumWriter<Object>> SPECIFIC_WRITERS =
            java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

    /** Avro binary of {@code value} alone, without the header. */
    public static byte[] encode(Schema schema, Object value) {
        DatumWriter<Object> writer;
        if (value instanceof SpecificRecord) {
            writer = SPECIFIC_WRITERS.get(schema);
            if (writer == null) {
                writer = new SpecificDatumWriter<>(schema);
                if (SPECIFIC_WRITERS.size() < 1_000) {
                    SPECIFIC_WRITERS.put(schema, writer);
                }
            }
        } else {
            writer = new GenericDatumWriter<>(schema);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(value, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + schema.getFullName() + ": " + e, e);
        }
        return out.toByteArray();
    }
}
