package io.datastores.marketplace.domain;

import java.time.Instant;
import java.util.List;

/** What the fleet view learns about an instance from other services' events. */
public sealed interface InstanceFact {

    record Accepted(String instanceId, String organizationId, String displayName, Engine engine, Cloud cloud, String region,
            String plan, String serviceHost, String catalogVersion, int nodeCount) implements InstanceFact {
    }

    record NodeRequested(String nodeId, InstanceView.NodeRole role, String zone) implements InstanceFact {
    }

    record Ready(String serviceHost, int port, boolean tlsRequired, int connectionLimit, List<String> allowlist,
            List<InstanceView.NodeView> nodes, InstanceView.CommandPolicyView commandPolicy, String catalogVersion,
            String endpointAddress) implements InstanceFact {
    }

    /** provisioning gave up on the instance: the data plane could not run its nodes. */
    record Failed(String nodeId, String reason) implements InstanceFact {
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

    /** failover-service started a failover, or a planned switchover (kind SWITCHOVER, from the primary). */
    record FailoverStarted(String failoverId, InstanceView.FailoverKind kind, String failedNodeId, Instant failedAt)
            implements InstanceFact {
    }

    /** A standby is the new primary, by the failover or switchover {@code failoverId}. */
    record Promoted(String nodeId, String failoverId) implements InstanceFact {
    }

    /** The failover is over: timings and data loss. */
    record FailoverCompleted(String failoverId, String primaryNodeId, Instant completedAt, long detectionMillis,
            long promotionMillis, long unavailableMillis, long dataLossBytes, Long dataLossWindowMillis, String note)
            implements InstanceFact {
    }

    /** A planned switchover did not happen. */
    record SwitchoverAborted(String switchoverId, String reason) implements InstanceFact {
    }

    /** A replaced node is a standby again. */
    record NodeRejoined(String nodeId, String zone, String ip) implements InstanceFact {
    }

    /** A replacement is not needed any more (the node it replaced rejoined). */
    record ReplacementCancelled(String nodeId) implements InstanceFact {
    }

    /** The real data loss of a failover, measured when its lost primary was rewound. */
    record DataLossMeasured(String failoverId, long lostBytes) implements InstanceFact {
    }
}
