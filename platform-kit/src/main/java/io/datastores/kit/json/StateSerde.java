package io.datastores.kit.json;

import java.io.IOException;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The serde of a decider's state in its store and changelog: CBOR (RFC 8949), a binary form of the
 * same document {@link JsonSerde} writes as text. Its evolution is the JSON state's: fields are
 * named, a field the reader does not know is skipped and one it misses reads as absent, so a new
 * version reads what the previous one stored and the other way round.
 *
 * <p>Each value starts with CBOR's self-describe tag (0xD9D9F7); a value without it is read as JSON
 * text: state stored before this serde, in stores and changelogs, reads on.
 */
public final class StateSerde<T> implements Serde<T> {

    static final ObjectMapper CBOR = JsonMixIns.applyAll(new ObjectMapper(CBORFactory.builder()
            .enable(CBORGenerator.Feature.WRITE_TYPE_HEADER).build())
            .registerModule(new JavaTimeModule())
            .registerModule(IsoInstant.module())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));

    private final Class<T> type;
    private final ObjectReader binary;
    private final ObjectReader text;
    private final ObjectWriter writer;

    public StateSerde(Class<T> type) {
        this.type = type;
        this.binary = CBOR.readerFor(type);
        this.text = JsonSerde.MAPPER.readerFor(type);
        this.writer = java.lang.reflect.Modifier.isFinal(type.getModifiers()) ? CBOR.writerFor(type)
                : CBOR.writer();
    }

    /** Whether {@code data} starts with CBOR's self-describe tag. */
    static boolean isCbor(byte[] data) {
        return data.length >= 3 && (data[0] & 0xFF) == 0xD9 && (data[1] & 0xFF) == 0xD9
                && (data[2] & 0xFF) == 0xF7;
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return writer.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new SerializationException("cannot write " + type.getSimpleName(), e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                return isCbor(data) ? binary.readValue(data) : text.readValue(data);
            } catch (IOException e) {
                throw new SerializationException("cannot read " + type.getSimpleName(), e);
            }
        };
    }
}
