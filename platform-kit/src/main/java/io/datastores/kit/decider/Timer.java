package io.datastores.kit.decider;

import java.time.Instant;
import java.util.Optional;

/**
 * What time alone asks of an aggregate (a trial's end, a missed heartbeat): a pure function of its
 * state and the wall clock's {@code now}. The command is decided at {@link Due#at()}, the moment the
 * state says it was due, not at {@code now}, so that a replay decides the same.
 * <p>
 * A timer is monotone in time: for a given state, {@code due(key, state, now)} is empty before one
 * moment and present from it on, with that moment as its {@link Due#at()}. The shell relies on it to
 * find the aggregates due without reading them all ({@link #next}).
 */
@FunctionalInterface
public interface Timer<C, S> {

    Optional<Due<C>> due(String key, S state, Instant now);

    /** When time next owes this aggregate a decision, if its state does not change before: the moment {@link #due} becomes present. */
    default Optional<Instant> next(String key, S state) {
        return state == null ? Optional.empty() : due(key, state, Instant.MAX).map(Due::at);
    }

    /** A command owed since {@code at}. */
    record Due<C>(C command, Instant at) {
    }
}
