package io.datastores.failover.domain;

/** What told failover a node is lost, or started a switchover. */
public enum DetectionSource {
    /** Missed heartbeats, confirmed by the region's guard. */
    HEARTBEAT,
    /** The node's own SEVERE diagnosis, or too many MINOR ones. */
    DIAGNOSTICS,
    /** Another platform service reported it failed. */
    PLATFORM,
    /** A promoted node did not report itself primary in time. */
    PROMOTION,
    /** An operator asked for a planned switchover. */
    OPERATOR
}
