package io.datastores.marketplace.domain;

import java.time.Instant;
import java.util.List;

/** What the fleet view learns about an instance from other services' events. */
public sealed interface InstanceFact {

    record Accepted(String instanceId, String organizationId, String displayName, String engine, String cloud, String region,
            String plan, String serviceHost, String catalogVersion, int nodeCount) implements InstanceFact {
    }

    record NodeRequested(String nodeId, String role, String zone) implements InstanceFact {
    }

    record Ready(String serviceHost, int port, boolean tlsRequired, int connectionLimit, List<String> allowlist,
            List<InstanceView.NodeView> nodes, InstanceView.CommandPolicyView commandPolicy, String catalogVersion)
            implements InstanceFact {
    }

    record PlanChanged(String plan, int nodeCount, int connectionLimit, String catalogVersion) implements InstanceFact {
    }

    record AllowlistChanged(List<String> allowlist) implements InstanceFact {
    }

    record Deleted() implements InstanceFact {
    }

    /** The trial ended; the instance is suspended. */
    record Suspended() implements InstanceFact {
    }

    /** A suspended instance serves again. */
    record Resumed() implements InstanceFact {
    }

    /** backup-service's restorable window changed. */
    record RestoreWindow(InstanceView.BackupWindow window) implements InstanceFact {
    }

    /** A standby left (the plan has fewer nodes). */
    record NodeDecommissioned(String nodeId) implements InstanceFact {
    }

    /** failover-service started a failover. */
    record FailoverStarted(String failoverId, String kind, String failedNodeId, Instant failedAt)
            implements InstanceFact {
    }

    /** A standby is the new primary. */
    record Promoted(String nodeId) implements InstanceFact {
    }

    /** The failover is over: timings and data loss. */
    record FailoverCompleted(String failoverId, String primaryNodeId, Instant completedAt, long detectionMillis,
            long promotionMillis, long unavailableMillis, long dataLossBytes, Long dataLossWindowMillis)
            implements InstanceFact {
    }
}
