package io.datastores.failover.topology;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import io.datastores.failover.domain.HeardNodes;
import io.datastores.failover.domain.HeardNodes.Heard;

/**
 * The binary form of an instance's {@link HeardNodes}, the part of its state each heartbeat
 * rewrites: about 20 bytes a node. A format byte (1), the number of nodes, then per node: its id
 * (length, UTF-8), a flags byte (which instants are present, whether the silence counts from the
 * last heartbeat, whether an instant has sub-millisecond digits), the instants as epoch
 * milliseconds (and nanoseconds of the millisecond when flagged), the position; all integers as
 * variable-length zig-zag longs. A reader refuses a format it does not know, with the reason.
 */
public final class HeardNodesSerde implements Serde<HeardNodes> {

    static final int FORMAT = 1;
    private static final int LAST = 1;
    private static final int WATCH = 2;
    private static final int WATCH_IS_LAST = 4;
    private static final int SUB_MILLIS = 8;

    @Override
    public Serializer<HeardNodes> serializer() {
        return (topic, value) -> value == null ? null : write(value);
    }

    @Override
    public Deserializer<HeardNodes> deserializer() {
        return (topic, data) -> data == null ? null : read(data);
    }

    static byte[] write(HeardNodes value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8 + 24 * value.nodes().size());
        out.write(FORMAT);
        varlong(out, value.nodes().size());
        for (Heard h : value.nodes()) {
            byte[] id = h.nodeId().getBytes(StandardCharsets.UTF_8);
            varlong(out, id.length);
            out.write(id, 0, id.length);
            Instant last = h.lastHeartbeatAt();
            Instant watch = h.watchSince();
            boolean watchIsLast = watch != null && watch.equals(last);
            boolean subMillis = subMillis(last) || (!watchIsLast && subMillis(watch));
            int flags = (last != null ? LAST : 0) | (watch != null ? WATCH : 0) | (watchIsLast ? WATCH_IS_LAST : 0)
                    | (subMillis ? SUB_MILLIS : 0);
            out.write(flags);
            instant(out, last, subMillis);
            if (!watchIsLast) {
                instant(out, watch, subMillis);
            }
            varlong(out, h.position());
        }
        return out.toByteArray();
    }

    static HeardNodes read(byte[] data) {
        try {
            return read(ByteBuffer.wrap(data));
        } catch (java.nio.BufferUnderflowException e) {
            throw new SerializationException("heard nodes cut short (" + data.length + " bytes)", e);
        }
    }

    private static HeardNodes read(ByteBuffer in) {
        int format = in.get() & 0xFF;
        if (format != FORMAT) {
            throw new SerializationException("heard nodes in format " + format + ", this version reads " + FORMAT);
        }
        int n = (int) varlong(in);
        List<Heard> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] id = new byte[(int) varlong(in)];
            in.get(id);
            int flags = in.get() & 0xFF;
            boolean subMillis = (flags & SUB_MILLIS) != 0;
            Instant last = (flags & LAST) != 0 ? instant(in, subMillis) : null;
            Instant watch = (flags & WATCH_IS_LAST) != 0 ? last
                    : (flags & WATCH) != 0 ? instant(in, subMillis) : null;
            nodes.add(new Heard(new String(id, StandardCharsets.UTF_8), last, watch, varlong(in)));
        }
        return new HeardNodes(nodes);
    }

    private static boolean subMillis(Instant t) {
        return t != null && t.getNano() % 1_000_000 != 0;
    }

    private static void instant(ByteArrayOutputStream out, Instant t, boolean subMillis) {
        if (t == null) {
            return;
        }
        varlong(out, t.getEpochSecond() * 1000 + t.getNano() / 1_000_000);
        if (subMillis) {
            varlong(out, t.getNano() % 1_000_000);
        }
    }

    private static Instant instant(ByteBuffer in, boolean subMillis) {
        long millis = varlong(in);
        long nanos = subMillis ? varlong(in) : 0;
        return Instant.ofEpochMilli(millis).plusNanos(nanos);
    }

    private static void varlong(ByteArrayOutputStream out, long v) {
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            out.write((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.write((int) z);
    }

    private static long varlong(ByteBuffer in) {
        long z = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            z |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (z >>> 1) ^ -(z & 1);
            }
        }
        throw new SerializationException("malformed variable-length integer");
    }
}
