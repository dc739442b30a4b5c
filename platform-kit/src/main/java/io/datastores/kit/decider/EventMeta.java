package io.datastores.kit.decider;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Metadata of one event: its id, the conversation it belongs to (correlation), the event that
 * caused it (causation), its event time and its producer.
 */
public record EventMeta(
        String eventId, String correlationId, String causationId, Instant occurredAt, String producer) {

    /**
     * Metadata of the {@code index}-th event that {@code producer} derives from this one: same
     * correlation, caused by this event, same event time, and an id that is a pure function of
     * the cause, so that replaying the cause yields the same event ids.
     */
    public EventMeta derive(String producer, int index) {
        String seed = eventId + "/" + producer + "/" + index;
        String id = UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
        return new EventMeta(id, correlationId, eventId, occurredAt, producer);
    }
}
