package io.datastores.kit.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.serialization.Deserializer;

import io.datastores.contract.AvroTrust;

/**
 * Reads Confluent's wire format. With a target class, values are read as that generated class
 * (the writer's schema, fetched by id, resolved against the class's schema); without one, as
 * {@link org.apache.avro.generic.GenericRecord} in the writer's schema.
 *
 * <p>A record that can never decode throws {@link UndecodableRecordException} with its reason; a
 * registry that cannot be reached throws {@link SchemaRegistryException} (worth a retry).
 */
public class AvroDeserializer<T> implements Deserializer<T> {

    static {
        AvroTrust.install();
    }

    private final Class<T> type;
    private final Schema readerSchema;
    private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();
    private SchemaRegistry registry;

    /** Generic reader: values in the writer's schema. */
    public AvroDeserializer() {
        this(null, null);
    }

    public AvroDeserializer(Class<T> type, SchemaRegistry registry) {
        this.type = type;
        this.registry = registry;
        this.readerSchema = type == null ? null : schemaOf(type);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            Object url = configs.get(AvroSerializer.REGISTRY_URL);
            registry = SchemaRegistries.forUrl(url == null ? null : url.toString());
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        WireFormat.Framed framed = WireFormat.unframe(data);
        DatumReader<T> reader = readers.get(framed.schemaId());
        if (reader == null) {
            reader = readerFor(framed.schemaId());
            readers.put(framed.schemaId(), reader);
        }
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(framed.data(), framed.offset(), framed.length(), null);
        try {
            T value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new UndecodableRecordException(UndecodableRecordException.Reason.MALFORMED_AVRO,
                        "trailing bytes after the record (schema id " + framed.schemaId() + ")");
            }
            return value;
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            if (e instanceof UndecodableRecordException u) {
                throw u;
            }
            throw new UndecodableRecordException(UndecodableRecordException.Reason.MALFORMED_AVRO,
                    "cannot decode with schema id " + framed.schemaId() + ": " + e, e);
        }
    }

    private DatumReader<T> readerFor(int id) {
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new UndecodableRecordException(UndecodableRecordException.Reason.UNKNOWN_SCHEMA_ID,
                        "schema id " + id + " is not in the registry", e);
            }
            throw e;
        }
        if (readerSchema == null) {
            return new GenericDatumReader<>(writer);
        }
        if (!writer.getFullName().equals(readerSchema.getFullName())) {
            throw new UndecodableRecordException(UndecodableRecordException.Reason.INCOMPATIBLE_SCHEMA,
                    "schema id " + id + " is " + writer.getFullName() + ", expected "
                            + readerSchema.getFullName());
        }
        try {
            return new SpecificDatumReader<>(writer, readerSchema);
        } catch (AvroTypeException e) {
            throw new UndecodableRecordException(UndecodableRecordException.Reason.INCOMPATIBLE_SCHEMA,
                    "schema id " + id + " cannot be read as " + readerSchema.getFullName(), e);
        }
    }

    private static Schema schemaOf(Class<?> type) {
        try {
            return (Schema) type.getField("SCHEMA$").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("not a generated Avro class: " + type, e);
        }
    }
}
