package io.datastores.marketplace.domain;

import java.time.Instant;
import java.util.List;

/**
 * The fleet view of one instance: what a dashboard shows of it, its backup window included;
 * {@code failureReason} says why the instance is FAILED. What it is ({@link Offering}) and how it is
 * reached ({@link Access}) are parts of their own, written into the view's document as its own fields
 * (the JSON and the stored document stay one flat object).
 */
public record InstanceView(String instanceId, Offering offering, String catalogVersion,
        Status status, String failureReason, Access access, List<NodeView> nodes,
        BackupWindow backupWindow, FailoverView failover, Instant updatedAt) {

    public InstanceView {
        offering = offering == null ? Offering.NONE : offering;
        access = access == null ? Access.NONE : access;
        nodes = nodes == null ? List.of() : nodes; // an HTTP answer leaves an empty list out
    }

    /**
     * How clients reach the instance: its service host and port, whether TLS is required, its
     * connection limit, allow-list and command policy; {@code endpointAddress} is the address to dial
     * where no DNS serves the service host (the local data plane's endpoint; null: resolve the host).
     */
    public record Access(String serviceHost, int port, boolean tlsRequired, int connectionLimit,
            List<String> allowlist, CommandPolicyView commandPolicy, String endpointAddress) {

        /** Before the instance is ready: nothing to reach yet. */
        static final Access NONE = new Access(null, 0, true, 0, List.of(), null, null);

        public Access {
            allowlist = allowlist == null ? List.of() : List.copyOf(allowlist);
        }

        Access withServiceHost(String host) {
            return new Access(host, port, tlsRequired, connectionLimit, allowlist, commandPolicy, endpointAddress);
        }

        Access withLimit(int limit) {
            return new Access(serviceHost, port, tlsRequired, limit, allowlist, commandPolicy, endpointAddress);
        }

        Access withAllowlist(List<String> list) {
            return new Access(serviceHost, port, tlsRequired, connectionLimit, list, commandPolicy, endpointAddress);
        }
    }

    /** The node that is primary now, or null. */
    public String primary() {
        return nodes.stream().filter(n -> n.role() == NodeRole.PRIMARY).map(NodeView::nodeId).findFirst().orElse(null);
    }

    /**
     * The last failover or planned switchover (kind SWITCHOVER; {@code failedNodeId} is then the old
     * primary) from failover-service: IN_PROGRESS, COMPLETED or ABORTED (a switchover that did not
     * happen, the reason in {@code note}), what failed, and once completed its {@link Outcome}.
     */
    public record FailoverView(String failoverId, FailoverKind kind, Progress state, String failedNodeId,
            Instant failedAt, String note, Outcome outcome) {

        public FailoverView {
            outcome = outcome == null ? Outcome.NONE : outcome;
        }

        FailoverView withState(Progress s, String why) {
            return new FailoverView(failoverId, kind, s, failedNodeId, failedAt, why, outcome);
        }

        FailoverView withMeasuredLoss(long bytes) {
            return new FailoverView(failoverId, kind, state, failedNodeId, failedAt, note,
                    outcome.withMeasuredLoss(bytes));
        }
    }

    /**
     * How a failover ended (all null while in progress): when, its timings, and the data it lost (bytes
     * behind for promotions, the loss window for restores); {@code measuredDataLossBytes} is the loss
     * measured when the lost primary was rewound.
     */
    public record Outcome(Instant completedAt, Long detectionMillis, Long promotionMillis, Long unavailableMillis,
            Long dataLossBytes, Long dataLossWindowMillis, Long measuredDataLossBytes) {

        static final Outcome NONE = new Outcome(null, null, null, null, null, null, null);

        Outcome withMeasuredLoss(long bytes) {
            return new Outcome(completedAt, detectionMillis, promotionMillis, unavailableMillis, dataLossBytes,
                    dataLossWindowMillis, bytes);
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
