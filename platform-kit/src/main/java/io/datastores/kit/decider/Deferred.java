package io.datastores.kit.decider;

import java.time.Instant;

/**
 * An event decided later than the event that caused it: when an event-time window closes, say, the
 * input that closes it is only the moment of deciding. Its id and event time therefore come from its
 * cause, not from that input, so that a replay, which closes the window at another moment, gives the
 * same event the same id.
 */
public interface Deferred {

    /** The id of the event that caused this one. */
    String causeId();

    /** The event time of this event. */
    Instant occurredAt();

    /** Tells apart several events of the same type with the same cause (say, one per node). */
    default String part() {
        return "";
    }
}
