package io.datastores.backup.topology;

import java.io.IOException;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.datastores.backup.domain.BackupState;
import io.datastores.kit.json.IsoInstant;
import io.datastores.kit.json.JsonSerde;
import io.datastores.kit.json.StateSerde;

/**
 * The serde of {@link BackupState} in {@value BackupTopology#STORE} and its changelog. It writes
 * CBOR with its self-describe header, as the kit's {@link StateSerde} does, each sealed phase
 * tagged with its name ({@link StateTags}). It reads that, this version's JSON text (the same
 * document, as the store held it before CBOR), and the previous version's flat JSON, which
 * {@link StoredBackupState} moves one to one into this version's state: what the previous version
 * stored reads on.
 */
public final class BackupStateSerde implements Serde<BackupState> {

    /** The kit's CBOR mapper's configuration ({@link StateSerde}), tagging phases. */
    private static final ObjectMapper CBOR = StateTags.tagged(new ObjectMapper(CBORFactory
            .builder().enable(CBORGenerator.Feature.WRITE_TYPE_HEADER).build())
            .registerModule(new JavaTimeModule())
            .registerModule(IsoInstant.module())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES), BackupState.class);

    /** The kit's JSON mapper ({@link JsonSerde}), tagging phases. */
    private static final ObjectMapper TEXT =
            StateTags.tagged(JsonSerde.MAPPER, BackupState.class);

    private final ObjectWriter writer = CBOR.writerFor(BackupState.class);
    private final ObjectReader binary = CBOR.readerFor(BackupState.class);
    private final ObjectReader text = TEXT.readerFor(BackupState.class);

    /** Whether {@code data} starts with CBOR's self-describe tag, as {@link StateSerde} writes. */
    static boolean isCbor(byte[] data) {
        return data.length >= 3 && (data[0] & 0xFF) == 0xD9 && (data[1] & 0xFF) == 0xD9
                && (data[2] & 0xFF) == 0xF7;
    }

    @Override
    public Serializer<BackupState> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return writer.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new SerializationException("cannot write a BackupState", e);
            }
        };
    }

    @Override
    public Deserializer<BackupState> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                if (isCbor(data)) {
                    return binary.readValue(data);
                }
                JsonNode stored = TEXT.readTree(data);
                return StoredBackupState.flat(stored) ? StoredBackupState.read(stored)
                        : text.readValue(stored);
            } catch (IOException | IllegalArgumentException e) {
                throw new SerializationException("cannot read a stored BackupState", e);
            }
        };
    }
}
