package io.datastores.provisioning.domain;

import java.time.Instant;
import java.util.List;

/** What provisioning decided about one instance. */
public sealed interface InstanceEvent {

    String instanceId();

    record Accepted(String requestId, String organizationId, String instanceId, String displayName,
            Engine engine, Cloud cloud, String region, String plan, String catalogVersion, int nodeCount,
            String serviceHost, List<String> allowlist, boolean scriptingEnabled, Instant trialEndsAt,
            int backupRetentionDays, Catalog.BackupMode backupMode) implements InstanceEvent {
    }

    /** Refused, with a machine-readable {@link RejectionCode} and a message for people. */
    record Rejected(String requestId, String organizationId, String instanceId, RejectionCode code,
            String message) implements InstanceEvent {
    }

    record NodeRequested(String instanceId, String nodeId, NodeRole role, String zone, Engine engine,
            Cloud cloud, String region, String plan, long epoch) implements InstanceEvent {
    }

    /** A standby is no longer needed (the plan has fewer nodes). */
    record NodeDecommissioned(String instanceId, String nodeId, long epoch) implements InstanceEvent {
    }

    /** Internal: a requested node is running. Kept in state, not published. */
    record NodeRecorded(String instanceId, String nodeId, String host, String ip, String zone)
            implements InstanceEvent {
    }

    record Ready(String organizationId, String instanceId, String serviceHost, int port, boolean tlsRequired,
            int connectionLimit, List<String> allowlist, List<Node> nodes, CommandPolicy commandPolicy,
            String catalogVersion) implements InstanceEvent {
    }

    record PlanChanged(String requestId, String organizationId, String instanceId, String fromPlan, String toPlan,
            int nodeCount, int connectionLimit, int backupRetentionDays, Catalog.BackupMode backupMode,
            String catalogVersion) implements InstanceEvent {
    }

    record AllowlistChanged(String requestId, String organizationId, String instanceId, List<String> allowlist)
            implements InstanceEvent {
    }

    record Deleted(String requestId, String organizationId, String instanceId) implements InstanceEvent {
    }

    /** The free trial ended: the instance is suspended, never silently removed. */
    record TrialExpired(String organizationId, String instanceId, Instant trialEndedAt) implements InstanceEvent {
    }

    /** A suspended instance serves again. */
    record Resumed(String organizationId, String instanceId, String reason) implements InstanceEvent {
    }

    /** Internal: the organization pays; the instance is no longer a trial. */
    record TrialLifted(String organizationId, String instanceId) implements InstanceEvent {
    }

    /** A node of an instance. */
    record Node(String nodeId, NodeRole role, String zone, String host, String ip) {
    }

    /** The effective command policy of a cache instance (null for databases). */
    record CommandPolicy(List<String> disabledCommands, boolean scriptingEnabled) {
    }

    /** Internal: a lost node's replacement takes its place in the instance's topology. */
    record NodeReplaced(String instanceId, String replacesNodeId, String nodeId, NodeRole role, String zone,
            long epoch) implements InstanceEvent {
    }

    /** Internal: the primary changed with a failover. */
    record PrimaryChanged(String instanceId, String nodeId, long epoch) implements InstanceEvent {
    }

    /** Internal: the data plane reported a node provisioning has not asked for yet (read out of order). */
    record NodeReportedEarly(String instanceId, String nodeId, String host, String ip, String zone)
            implements InstanceEvent {
    }

    /** Internal: a failover replaced or promoted a node before this instance's request was read. */
    record FailoverReportedEarly(String instanceId, InstanceState.EarlyFailover failover) implements InstanceEvent {
    }

    /** Internal: the early failovers are applied. */
    record EarlyFailoversApplied(String instanceId) implements InstanceEvent {
    }
}
