package io.datastores.failover.domain;

import java.util.List;

/** What failover-service hears about an instance's nodes. */
public sealed interface HealthSignal {

    /** Provisioning published the instance's nodes. */
    record NodesPlanned(List<Planned> nodes) implements HealthSignal {
    }

    /** A node's heartbeat, with its replication position and fencing epoch. */
    record Heartbeat(String nodeId, String role, long position, long epoch) implements HealthSignal {
    }

    /** A node's self-diagnostics. */
    record Diagnostics(String nodeId, String severity, String detail) implements HealthSignal {
    }

    /** Another platform service reports a node lost. */
    record Reported(String nodeId, String reason) implements HealthSignal {
    }

    /** The instance is deleted. */
    record Deleted() implements HealthSignal {
    }

    record Planned(String nodeId, String role, String zone) {
    }
}
