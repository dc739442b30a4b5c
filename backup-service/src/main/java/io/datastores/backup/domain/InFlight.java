package io.datastores.backup.domain;

import java.time.Instant;
import java.util.function.Function;

/**
 * The full backup backup-service waits for: none, one asked of the data plane ({@code attempt} 1
 * for a scheduled one), or one that failed and is asked again at {@code retryAt}. Each phase
 * carries only its own fields; {@link #match} is the one place that tells them apart exhaustively.
 */
public sealed interface InFlight {

    /** The one exhaustive dispatch over the phases. */
    <R> R match(Function<Idle, R> idle, Function<Running, R> running,
            Function<Retrying, R> retrying);

    /** The id of the backup waited for, or null. */
    default String backupId() {
        return match(i -> null, Running::backupId, Retrying::backupId);
    }

    /** How many times the backup waited for was asked (0: none is). */
    default int attempt() {
        return match(i -> 0, Running::attempt, Retrying::attempt);
    }

    /** When a failed backup is asked again, or null. */
    default Instant retryAt() {
        return match(i -> null, r -> null, Retrying::retryAt);
    }

    /** Waiting for nothing. */
    record Idle() implements InFlight {
        @Override
        public <R> R match(Function<Idle, R> idle, Function<Running, R> running,
                Function<Retrying, R> retrying) {
            return idle.apply(this);
        }
    }

    /** Asked of the data plane, the {@code attempt}-th time. */
    record Running(String backupId, int attempt) implements InFlight {
        @Override
        public <R> R match(Function<Idle, R> idle, Function<Running, R> running,
                Function<Retrying, R> retrying) {
            return running.apply(this);
        }
    }

    /** Failed on its {@code attempt}-th try so far; asked again at {@code retryAt}. */
    record Retrying(String backupId, int attempt, Instant retryAt) implements InFlight {
        @Override
        public <R> R match(Function<Idle, R> idle, Function<Running, R> running,
                Function<Retrying, R> retrying) {
            return retrying.apply(this);
        }
    }
}
