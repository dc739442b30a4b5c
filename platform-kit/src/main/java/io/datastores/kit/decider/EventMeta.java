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

    /**
     * Metadata of an event {@code producer} decided later than its cause: the id is a pure function of
     * the cause, the event's type and part; the cause is both its correlation and its causation.
     */
    public static EventMeta deferred(Deferred event, String producer) {
        String seed = event.causeId() + "/" + producer + "/" + event.getClass().getSimpleName() + "/" + event.part();
        String id = UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
        return new EventMeta(id, event.causeId(), event.causeId(), event.occurredAt(), producer);
    }
}
