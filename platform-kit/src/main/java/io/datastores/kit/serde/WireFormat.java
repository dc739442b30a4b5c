package io.datastores.kit.serde;

import java.nio.ByteBuffer;

/**
 * Confluent's wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro
 * binary encoding of the value.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** A framed value: the schema id and where the Avro body starts. */
    public record Framed(int schemaId, byte[] data, int offset) {
        public int length() {
            return data.length - offset;
        }
    }

    public static byte[] frame(int schemaId, byte[] avro) {
        return ByteBuffer.allocate(HEADER_SIZE + avro.length)
                .put(MAGIC_BYTE).putInt(schemaId).put(avro).array();
    }

    /** Reads the header; throws {@link UndecodableRecordException} when it is not this format. */
    public static Framed unframe(byte[] data) {
        if (data.length < HEADER_SIZE) {
            throw new UndecodableRecordException(UndecodableRecordException.Reason.NOT_WIRE_FORMAT,
                    "value of " + data.length + " bytes is shorter than the 5-byte header");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new UndecodableRecordException(UndecodableRecordException.Reason.NOT_WIRE_FORMAT,
                    "unknown magic byte " + data[0]);
        }
        return new Framed(ByteBuffer.wrap(data, 1, 4).getInt(), data, HEADER_SIZE);
    }
}
