package io.datastores.marketplace.domain;

import java.time.Instant;
import java.util.List;

/** The fleet view of one instance: what a dashboard shows of it. */
public record InstanceView(String instanceId, String organizationId, String displayName, String engine, String cloud,
        String region, String plan, Status status, String serviceHost, int port, boolean tlsRequired,
        int connectionLimit, List<String> allowlist, List<NodeView> nodes, CommandPolicyView commandPolicy,
        String catalogVersion, Instant updatedAt) {

    public enum Status {
        PROVISIONING, READY, SUSPENDED, DELETED
    }

    public record NodeView(String nodeId, String role, String zone, String host, String ip) {
    }

    public record CommandPolicyView(List<String> disabledCommands, boolean scriptingEnabled) {
    }
}
