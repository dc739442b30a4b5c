package io.datastores.failover.domain;

import java.time.Instant;
import java.util.List;

import io.datastores.kit.decider.Repeatable;

/**
 * What the guard of one region (keyed by {@code cloud:region}) hears. Signals carry their event time
 * and the id of the event they come from: the guard decides them in event-time order, not in the
 * order they arrive from the instance partitions, so that a rebuild decides as the live run did.
 */
public sealed interface RegionCommand {

    /** A command the guard orders by event time before deciding it. */
    sealed interface Signal extends RegionCommand {

        Instant at();

        String id();

        /** The same signal at {@code later}: one late for its partition counts at the partition's time. */
        Signal movedTo(Instant later);
    }

    /** The number of watched nodes in the region changed. */
    record Count(int delta, Instant at, String id) implements Signal {
        @Override
        public Count movedTo(Instant later) {
            return new Count(delta, later, id);
        }
    }

    /** A node went silent. */
    record Suspect(String instanceId, String nodeId, Instant at, String id) implements Signal {
        @Override
        public Suspect movedTo(Instant later) {
            return new Suspect(instanceId, nodeId, later, id);
        }
    }

    /** A suspected node was heard from again. */
    record Recover(String instanceId, String nodeId, Instant at, String id) implements Signal {
        @Override
        public Recover movedTo(Instant later) {
            return new Recover(instanceId, nodeId, later, id);
        }
    }

    /** An operator's decision on a paused region: CONFIRM or DISMISS. */
    record Decide(String action, String operator, String note, Instant at, String id) implements Signal {
        @Override
        public Decide movedTo(Instant later) {
            return new Decide(action, operator, note, later, id);
        }
    }

    /**
     * One instance partition has decided everything up to {@code upTo} (less the allowed lateness).
     * Heard by the region stage's clock, which turns the slowest partition's into {@link Advance}.
     */
    record Progress(int partition, Instant upTo) implements RegionCommand {
    }

    /**
     * Every instance partition has decided everything up to {@code upTo}: the signals until then are
     * complete. {@code due} are those that waited for it (the region stage's clock holds them); they
     * are decided in event-time order, settle windows included, whatever order they are listed in.
     */
    record Advance(Instant upTo, List<Signal> due) implements RegionCommand, Repeatable {

        public Advance {
            due = List.copyOf(due);
        }

        /** Time passed, and no signal waited for it. */
        public Advance(Instant upTo) {
            this(upTo, List.of());
        }
    }
}
