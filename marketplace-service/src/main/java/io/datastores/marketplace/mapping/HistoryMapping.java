package io.datastores.marketplace.mapping;

import java.nio.ByteBuffer;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

import io.datastores.events.EventMetadata;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.streams.EnvelopeMeta;
import io.datastores.marketplace.domain.HistoryView;

/** Any envelope of the contract as an entry of its instance's history. */
public final class HistoryMapping {

    private static final int SUMMARY_CHARS = 240;

    private HistoryMapping() {
    }

    public static List<Envelope<HistoryView.Entry>> entry(IndexedRecord envelope) {
        Schema schema = envelope.getSchema();
        EventMetadata meta = (EventMetadata) envelope.get(schema.getField("metadata").pos());
        Object payload = envelope.get(schema.getField("payload").pos());
        if (!(payload instanceof IndexedRecord p)) {
            return List.of();
        }
        HistoryView.Entry entry = new HistoryView.Entry(meta.getEventId(), meta.getOccurredAt(),
                p.getSchema().getName(), meta.getProducer(), summary(p));
        return List.of(new Envelope<>(EnvelopeMeta.fromAvro(meta), entry));
    }

    /** The payload's fields in short; bytes (ciphertexts) and ids repeated from the key are left out. */
    static String summary(IndexedRecord p) {
        StringBuilder out = new StringBuilder();
        for (Schema.Field f : p.getSchema().getFields()) {
            Object v = p.get(f.pos());
            if (v == null || v instanceof ByteBuffer || f.name().equals("instanceId")) {
                continue;
            }
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(f.name()).append('=').append(v);
            if (out.length() > SUMMARY_CHARS) {
                break; // the rest would be cut: no need to write it out
            }
        }
        return out.length() <= SUMMARY_CHARS ? out.toString() : out.substring(0, SUMMARY_CHARS - 1) + "…";
    }
}
