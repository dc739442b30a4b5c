package io.datastores.provisioning.domain;

import java.util.List;

/** What provisioning decided about one instance. */
public sealed interface InstanceEvent {

    String instanceId();

    record Accepted(String requestId, String organizationId, String instanceId, String displayName,
            Engine engine, Cloud cloud, String region, String plan, String catalogVersion, int nodeCount,
            String serviceHost, List<String> allowlist, boolean scriptingEnabled) implements InstanceEvent {
    }

    /** Refused, with a machine-readable {@link RejectionCode} and a message for people. */
    record Rejected(String requestId, String organizationId, String instanceId, RejectionCode code,
            String message) implements InstanceEvent {
    }

    record NodeRequested(String instanceId, String nodeId, NodeRole role, String zone, Engine engine,
            Cloud cloud, String region, String plan, long epoch) implements InstanceEvent {
    }

    /** Internal: a requested node is running. Kept in state, not published. */
    record NodeRecorded(String instanceId, String nodeId, String host, String ip, String zone)
            implements InstanceEvent {
    }

    record Ready(String organizationId, String instanceId, String serviceHost, int port, boolean tlsRequired,
            int connectionLimit, List<String> allowlist, List<Node> nodes, CommandPolicy commandPolicy,
            String catalogVersion) implements InstanceEvent {
    }

    record PlanChanged(String requestId, String organizationId, String instanceId, String fromPlan, String toPlan, int nodeCount,
            int connectionLimit, String catalogVersion) implements InstanceEvent {
    }

    record AllowlistChanged(String requestId, String organizationId, String instanceId, List<String> allowlist)
            implements InstanceEvent {
    }

    record Deleted(String requestId, String organizationId, String instanceId) implements InstanceEvent {
    }

    /** A node of a ready instance. */
    record Node(String nodeId, NodeRole role, String zone, String host, String ip) {
    }

    /** The effective command policy of a cache instance (null for databases). */
    record CommandPolicy(List<String> disabledCommands, boolean scriptingEnabled) {
    }
}
