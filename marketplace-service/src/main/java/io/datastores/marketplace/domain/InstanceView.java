package io.datastores.marketplace.domain;

import java.time.Instant;
import java.util.List;

/** The fleet view of one instance: what a dashboard shows of it, its backup window included. */
public record InstanceView(String instanceId, String organizationId, String displayName, String engine, String cloud,
        String region, String plan, Status status, String serviceHost, int port, boolean tlsRequired,
        int connectionLimit, List<String> allowlist, List<NodeView> nodes, CommandPolicyView commandPolicy,
        String catalogVersion, BackupWindow backupWindow, Instant updatedAt, FailoverView failover) {

    /** The node that is primary now, or null. */
    public String primary() {
        return nodes.stream().filter(n -> "PRIMARY".equals(n.role())).map(NodeView::nodeId).findFirst().orElse(null);
    }

    /**
     * The last failover (from failover-service): IN_PROGRESS or COMPLETED, what failed, and once
     * completed its timings and data loss (bytes behind for promotions, the loss window for restores).
     */
    public record FailoverView(String failoverId, String kind, String state, String failedNodeId, Instant failedAt,
            Instant completedAt, Long detectionMillis, Long promotionMillis, Long unavailableMillis,
            Long dataLossBytes, Long dataLossWindowMillis) {
    }

    /** What a restore can reach (from backup-service), or null until the first restore point. */
    public record BackupWindow(Instant start, Instant end, int retentionDays, int fullBackups) {
    }

    public enum Status {
        PROVISIONING, READY, SUSPENDED, DELETED
    }

    public record NodeView(String nodeId, String role, String zone, String host, String ip) {
    }

    public record CommandPolicyView(List<String> disabledCommands, boolean scriptingEnabled) {
    }
}
