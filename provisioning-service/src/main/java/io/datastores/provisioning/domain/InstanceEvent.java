package io.datastores.provisioning.domain;

import java.time.Instant;
import java.util.List;

/** What provisioning decided about one instance. */
public sealed interface InstanceEvent {

    String instanceId();

    record Accepted(String requestId, String organizationId, String instanceId, String displayName,
            Engine engine, Cloud cloud, String region, String plan, String catalogVersion, int nodeCount,
            String serviceHost, List<String> allowlist, boolean scriptingEnabled, Instant trialEndsAt,
            int backupRetentionDays, Catalog.BackupMode backupMode, int connectionLimit, Tier tier)
            implements InstanceEvent {
    }

    /** Refused, with a machine-readable {@link RejectionCode} and a message for people. */
    record Rejected(String requestId, String organizationId, String instanceId, RejectionCode code,
            String message) implements InstanceEvent {
    }

    /** A node is asked for; {@code attempt} counts the asks for this node (a retry after a failure). */
    record NodeRequested(String instanceId, String nodeId, NodeRole role, String zone, Engine engine,
            Cloud cloud, String region, String plan, long epoch, int attempt) implements InstanceEvent {
    }

    /** A standby is no longer needed (the plan has fewer nodes). */
    record NodeDecommissioned(String instanceId, String nodeId, long epoch) implements InstanceEvent {
    }

    /**
     * Internal: a requested node is running, behind the instance's endpoint if the data plane named
     * one. Kept in state, not published.
     */
    record NodeRecorded(String instanceId, String nodeId, String host, String ip, String zone,
            String endpointAddress, Integer endpointPort) implements InstanceEvent {
    }

    /**
     * The instance serves. {@code port} is the endpoint's (or the engine's default);
     * {@code endpointAddress} the address to dial where no DNS serves the host (null: resolve it).
     */
    record Ready(String organizationId, String instanceId, String serviceHost, int port, boolean tlsRequired,
            int connectionLimit, List<String> allowlist, List<Node> nodes, CommandPolicy commandPolicy,
            String catalogVersion, String endpointAddress) implements InstanceEvent {
    }

    record PlanChanged(String requestId, String organizationId, String instanceId, String fromPlan, String toPlan,
            int nodeCount, int connectionLimit, int backupRetentionDays, Catalog.BackupMode backupMode,
            String catalogVersion, Tier toTier) implements InstanceEvent {
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
    record NodeReportedEarly(String instanceId, String nodeId, String host, String ip, String zone,
            String endpointAddress, Integer endpointPort) implements InstanceEvent {
    }

    /** Internal: the data plane failed to start a node; remembered with its attempt and reason. */
    record NodeFailureRecorded(String instanceId, InstanceState.NodeFailure failure) implements InstanceEvent {
    }

    /** Internal: a node failure reported before this instance's request was read (held until it is). */
    record FailureReportedEarly(String instanceId, InstanceState.NodeFailure failure) implements InstanceEvent {
    }

    /**
     * Provisioning gave up on the instance: a node could not be started (not retryable, or the last
     * attempt failed) while the instance was being provisioned or changed. The reason ends with the
     * data plane's own.
     */
    record Failed(String organizationId, String instanceId, String nodeId, String reason)
            implements InstanceEvent {
    }

    /** Internal: a node failover had replaced is a standby again (it rejoined). */
    record NodeRejoined(String instanceId, String nodeId, String zone, String host, String ip, long epoch)
            implements InstanceEvent {
    }

    /** Internal: a replacement is no longer needed (the node it replaced rejoined). */
    record ReplacementDropped(String instanceId, String nodeId) implements InstanceEvent {
    }

    /** Internal: a failover replaced or promoted a node before this instance's request was read. */
    record FailoverReportedEarly(String instanceId, InstanceState.EarlyFailover failover) implements InstanceEvent {
    }

    /** Internal: the early failovers are applied. */
    record EarlyFailoversApplied(String instanceId) implements InstanceEvent {
    }
}
