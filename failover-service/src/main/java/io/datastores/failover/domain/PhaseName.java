package io.datastores.failover.domain;

/** A phase of a failover as it happened ({@link InstanceHealth.Phase}). */
public enum PhaseName {
    STARTED, SWITCHOVER_STARTED, BLOCKED, PROMOTED, ENDPOINT_MOVED, REPLACEMENT_REQUESTED,
    RESTORE_REQUESTED, COMPLETED, ABORTED, SUPERSEDED, REJOINED, REPLACEMENT_CANCELLED,
    DATA_LOSS_MEASURED, DATA_PLANE_FAILED
}
