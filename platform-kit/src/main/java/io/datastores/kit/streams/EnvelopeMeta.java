package io.datastores.kit.streams;

import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

import io.datastores.events.EventMetadata;
import io.datastores.kit.decider.EventMeta;

/**
 * Between the Avro metadata every envelope carries and the domain's {@link EventMeta}, plus the
 * contract checks that every envelope must pass before it reaches a decider.
 */
public final class EnvelopeMeta {

    private EnvelopeMeta() {
    }

    public static EventMeta fromAvro(EventMetadata m) {
        return new EventMeta(m.getEventId(), m.getCorrelationId(), m.getCausationId(),
                m.getOccurredAt(), m.getProducer());
    }

    public static EventMetadata toAvro(EventMeta m) {
        return EventMetadata.newBuilder()
                .setEventId(m.eventId())
                .setCorrelationId(m.correlationId())
                .setCausationId(m.causationId())
                .setOccurredAt(m.occurredAt())
                .setProducer(m.producer())
                .build();
    }

    /**
     * What is wrong with an envelope whatever its event type: a blank event id, or a record key
     * that is not the instance id its payload names (an instance's events must stay in order in
     * its partition).
     */
    public static Optional<String> contractProblem(String key, IndexedRecord envelope) {
        Schema schema = envelope.getSchema();
        EventMetadata meta = (EventMetadata) envelope.get(schema.getField("metadata").pos());
        if (meta == null || meta.getEventId() == null || meta.getEventId().isBlank()) {
            return Optional.of("metadata.eventId is blank");
        }
        if (meta.getCorrelationId() == null || meta.getCorrelationId().isBlank()) {
            return Optional.of("metadata.correlationId is blank");
        }
        Object payload = envelope.get(schema.getField("payload").pos());
        if (payload instanceof IndexedRecord p && p.getSchema().getField("instanceId") != null) {
            String id = payloadField(envelope, "instanceId").orElse("");
            if (id.isBlank()) {
                return Optional.of(p.getSchema().getName() + ".instanceId is blank");
            }
            if (!id.equals(key)) {
                return Optional.of("record key '" + key + "' is not the instanceId '" + id
                        + "' of " + p.getSchema().getName());
            }
        }
        return Optional.empty();
    }

    /**
     * A field of an envelope's payload, whichever event type it is (every event of an
     * instance-scoped topic has {@code instanceId}; requests have {@code organizationId}); empty
     * when the event has no such field or it is null.
     */
    public static Optional<String> payloadField(IndexedRecord envelope, String field) {
        Object payload = envelope.get(envelope.getSchema().getField("payload").pos());
        if (!(payload instanceof IndexedRecord p)) {
            return Optional.empty();
        }
        Schema.Field f = p.getSchema().getField(field);
        Object value = f == null ? null : p.get(f.pos());
        return value == null ? Optional.empty() : Optional.of(value.toString());
    }
}
