package io.datastores.kit.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

import org.apache.avro.Schema;
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
 * {@code io.confluent.kafka.serializers.KafkaAvroSerializer} writes with its defaults: the subject
 * is {@code <topic>-value} (or {@code -key}, TopicNameStrategy), the record's own schema is
 * registered (auto-registration, idempotent), and the value follows the 5-byte header.
 *
 * <p>Configuration: {@code schema.registry.url} (a REST URL or {@code mock://scope}).
 */
public class AvroSerializer<T extends GenericContainer> implements Serializer<T> {

    public static final String REGISTRY_URL = "schema.registry.url";

    static {
        AvroTrust.install();
    }

    private SchemaRegistry registry;
    private boolean isKey;

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
    }

    /**
     * The id registered for a subject and the very schema object it was for: a generated class's schema
     * is one object, so the common case costs a reference comparison, not a deep hash of the schema.
     */
    private record Registered(Schema schema, int id) {
    }

    private final java.util.Map<String, Registered> lastBySubject = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public byte[] serialize(String topic, T value) {
        if (value == null) {
            return null;
        }
        Schema schema = value.getSchema();
        String subject = topic + (isKey ? "-key" : "-value");
        Registered last = lastBySubject.get(subject);
        int id;
        if (last != null && last.schema() == schema) {
            id = last.id();
        } else {
            id = registry.register(subject, schema);
            lastBySubject.put(subject, new Registered(schema, id));
        }
        return WireFormat.frame(id, encode(schema, value));
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
