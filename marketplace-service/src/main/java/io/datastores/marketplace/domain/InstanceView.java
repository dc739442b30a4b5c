package io.datastores.marketplace.domain;

import java.time.Instant;
import java.util.List;

/**
 * The fleet view of one instance: what a dashboard shows of it, its backup window included.
 * {@code endpointAddress} is the address to dial where no DNS serves the service host (the local data
 * plane's endpoint; null: resolve the host); {@code failureReason} why the instance is FAILED.
 */
public record InstanceView(String instanceId, String organizationId, String displayName, Engine engine, Cloud cloud,
        String region, String plan, Status status, String serviceHost, int port, boolean tlsRequired,
        int connectionLimit, List<String> allowlist, List<NodeView> nodes, CommandPolicyView commandPolicy,
        String catalogVersion, BackupWindow backupWindow, Instant updatedAt, FailoverView failover,
        String endpointAddress, String failureReason) {

    /** The node that is primary now, or null. */
    public String primary() {
        return nodes.stream().filter(n -> n.role() == NodeRole.PRIMARY).map(NodeView::nodeId).findFirst().orElse(null);
    }

    /**
     * The last failover or planned switchover (kind SWITCHOVER; {@code failedNodeId} is then the old
     * primary) from failover-service: IN_PROGRESS, COMPLETED or ABORTED (a switchover that did not
     * happen, the reason in {@code note}), what failed, and once completed its timings and data loss
     * (bytes behind for promotions, the loss window for restores); {@code measuredDataLossBytes} is
     * the loss measured when the lost primary was rewound.
     */
    public record FailoverView(String failoverId, FailoverKind kind, Progress state, String failedNodeId, Instant failedAt,
            Instant completedAt, Long detectionMillis, Long promotionMillis, Long unavailableMillis,
            Long dataLossBytes, Long dataLossWindowMillis, String note, Long measuredDataLossBytes) {

        FailoverView withState(Progress s, String why) {
            return new FailoverView(failoverId, kind, s, failedNodeId, failedAt, completedAt, detectionMillis,
                    promotionMillis, unavailableMillis, dataLossBytes, dataLossWindowMillis, why, measuredDataLossBytes);
        }

        FailoverView withMeasuredLoss(long bytes) {
            return new FailoverView(failoverId, kind, state, failedNodeId, failedAt, completedAt, detectionMillis,
                    promotionMillis, unavailableMillis, dataLossBytes, dataLossWindowMillis, note, bytes);
        }
    }

    /** What a restore can reach (from backup-service), or null until the first restore point. */
    public record BackupWindow(Instant start, Instant end, int retentionDays, int fullBackups) {
    }

    public enum Status {
        PROVISIONING, READY, SUSPENDED, FAILED, DELETED
    }

    public record NodeView(String nodeId, NodeRole role, String zone, String host, String ip) {
    }

    /** A node's part in its instance: the primary, a standby, or lost (replaced by a failover). */
    public enum NodeRole {
        PRIMARY, STANDBY, LOST
    }

    /**
     * What a failover or switchover is: a standby promoted, a node restored from backup, a planned
     * switchover, or a kind a newer failover-service names that this version does not know.
     */
    public enum FailoverKind {
        PROMOTION, RESTORE, SWITCHOVER, UNKNOWN;

        /** The kind failover-service's event names ({@code UNKNOWN} for one this version does not know). */
        public static FailoverKind of(String name) {
            for (FailoverKind k : values()) {
                if (k.name().equals(name)) {
                    return k;
                }
            }
            return UNKNOWN;
        }
    }

    /** Where the last failover stands: running, done, or (a switchover only) called off. */
    public enum Progress {
        IN_PROGRESS, COMPLETED, ABORTED
    }

    public record CommandPolicyView(List<String> disabledCommands, boolean scriptingEnabled) {
    }
}
