package io.datastores.failover.domain;

import java.time.Instant;

/** What the guard of one region decides. Counted, Noted, Held and Withdrawn change only its state. */
public sealed interface RegionEvent {

    record Counted(int delta) implements RegionEvent {
    }

    /** A suspicion waits for the settle window that ends at {@code settleAt}. */
    record Noted(String instanceId, String nodeId, Instant settleAt) implements RegionEvent {
    }

    /** A suspicion arrived while the region is paused: held for the operator. */
    record Held(String instanceId, String nodeId) implements RegionEvent {
    }

    record Withdrawn(String instanceId, String nodeId) implements RegionEvent {
    }

    /** Published: the suspected node may be declared lost. */
    record LossConfirmed(String instanceId, String nodeId, String reason) implements RegionEvent {
    }

    /** Published: a held suspicion is dropped. */
    record SuspicionDismissed(String instanceId, String nodeId, String reason) implements RegionEvent {
    }

    record Paused(int silentNodes, int monitoredNodes, String reason, Instant at) implements RegionEvent {
    }

    record Resumed(String action, String by, String reason) implements RegionEvent {
    }

    record CommandRejected(String action, String reason) implements RegionEvent {
    }
}
