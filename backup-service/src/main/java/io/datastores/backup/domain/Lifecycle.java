package io.datastores.backup.domain;

import java.time.Instant;
import java.util.function.Function;

/**
 * Where an instance is in its life, as backup-service sees it: never heard of, accepted, serving
 * (backed up daily), or deleted (its backups kept for the grace period). Each phase carries only
 * its own fields; {@link #match} is the one place that tells them apart exhaustively.
 */
public sealed interface Lifecycle {

    /** The one exhaustive dispatch over the phases. */
    <R> R match(Function<Untracked, R> untracked, Function<Known, R> known,
            Function<Serving, R> serving, Function<Deleted, R> deleted);

    /** Whether provisioning told of the instance (any phase but {@link Untracked}). */
    default boolean tracked() {
        return match(u -> false, k -> true, s -> true, d -> true);
    }

    /** Whether the instance is deleted. */
    default boolean deleted() {
        return match(u -> false, k -> false, s -> false, d -> true);
    }

    /** Never heard of. */
    record Untracked() implements Lifecycle {
        @Override
        public <R> R match(Function<Untracked, R> untracked, Function<Known, R> known,
                Function<Serving, R> serving, Function<Deleted, R> deleted) {
            return untracked.apply(this);
        }
    }

    /** Accepted, not yet serving. */
    record Known() implements Lifecycle {
        @Override
        public <R> R match(Function<Untracked, R> untracked, Function<Known, R> known,
                Function<Serving, R> serving, Function<Deleted, R> deleted) {
            return known.apply(this);
        }
    }

    /** Serving since {@code since}, backed up daily, next at {@code nextFullAt}. */
    record Serving(Instant since, Instant nextFullAt) implements Lifecycle {
        @Override
        public <R> R match(Function<Untracked, R> untracked, Function<Known, R> known,
                Function<Serving, R> serving, Function<Deleted, R> deleted) {
            return serving.apply(this);
        }
    }

    /** Deleted {@code at}, after serving since {@code servingSince} (null: it never served). */
    record Deleted(Instant servingSince, Instant at) implements Lifecycle {
        @Override
        public <R> R match(Function<Untracked, R> untracked, Function<Known, R> known,
                Function<Serving, R> serving, Function<Deleted, R> deleted) {
            return deleted.apply(this);
        }
    }
}
