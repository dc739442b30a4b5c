package io.datastores.kit.decider;

import java.time.Instant;
import java.util.Optional;

/**
 * What time alone asks of an aggregate (a trial's end, a missed heartbeat): a pure function of its
 * state and the wall clock's {@code now}. The command is decided at {@link Due#at()}, the moment the
 * state says it was due, not at {@code now}, so that a replay decides the same.
 */
@FunctionalInterface
public interface Timer<C, S> {

    Optional<Due<C>> due(String key, S state, Instant now);

    /** A command owed since {@code at}. */
    record Due<C>(C command, Instant at) {
    }
}
