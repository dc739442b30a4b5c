package io.datastores.failover.domain;

import java.time.Instant;

import io.datastores.kit.decider.Deferred;

/**
 * What the guard of one region decides. Counted, Noted, Held and Withdrawn change
 * only its state; the others are published. The published ones are decided when event time reaches
 * them, so each takes its id and time from its cause ({@link Deferred}).
 */
public sealed interface RegionEvent {

    record Counted(int delta) implements RegionEvent {
    }

    /** A suspicion waits for the settle window that ends at {@code settleAt}. */
    record Noted(RegionState.Suspicion suspicion, Instant settleAt) implements RegionEvent {
    }

    /** A suspicion arrived while the region is paused: held for the operator. */
    record Held(RegionState.Suspicion suspicion) implements RegionEvent {
    }

    record Withdrawn(String instanceId, String nodeId) implements RegionEvent {
    }

    /** Published: the suspected node may be declared lost. */
    record LossConfirmed(String instanceId, String nodeId, String reason, String causeId, Instant occurredAt)
            implements RegionEvent, Deferred {

        @Override
        public String part() {
            return instanceId + "/" + nodeId;
        }
    }

    /** Published: a held suspicion is dropped. */
    record SuspicionDismissed(String instanceId, String nodeId, String reason, String causeId, Instant occurredAt)
            implements RegionEvent, Deferred {

        @Override
        public String part() {
            return instanceId + "/" + nodeId;
        }
    }

    record Paused(int silentNodes, int monitoredNodes, String reason, String causeId, Instant occurredAt)
            implements RegionEvent, Deferred {
    }

    record Resumed(Resumption action, String by, String reason, String causeId, Instant occurredAt)
            implements RegionEvent, Deferred {
    }

    record CommandRejected(String action, String reason, String causeId, Instant occurredAt)
            implements RegionEvent, Deferred {
    }
}
