package io.datastores.failover.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What failover knows of one instance: its nodes' health, the fencing epoch, the newest restore
 * point, the failover in progress and the last ones done.
 *
 * @param tier HOBBYIST, STARTUP, BUSINESS or PREMIUM (the plan name's first part)
 * @param epoch the fencing epoch: rises with each promotion or restore; 1 when provisioned
 * @param replacements how many replacement nodes failover has asked for (numbers their ids)
 */
public record InstanceHealth(String instanceId, boolean tracked, boolean deleted, String region, String plan,
        String tier, int nodeCount, String serviceHost, long epoch, List<Node> nodes, RestorePoint restorePoint,
        Failover active, List<Failover> history, int replacements) {

    /** How many finished failovers are kept per instance. */
    public static final int HISTORY = 20;

    public enum Status {
        /** Heard from within the heartbeat timeout. */
        HEALTHY,
        /** Silent beyond the timeout; the region's guard decides. */
        SUSPECTED,
        /** Declared lost; replaced. */
        LOST,
        /** Claimed a role it no longer has; demoted and rebuilt. */
        FENCED,
        /** A replacement asked for, not up yet. */
        PENDING
    }

    /**
     * One node. {@code watchSince} is when its silence started to count (its last heartbeat, or
     * when it was planned, came up or had a suspicion dismissed); {@code healthySince} is when it
     * was last heard again after a suspicion (hysteresis).
     */
    public record Node(String nodeId, Role role, String zone, String ip, Status status, Instant lastHeartbeatAt,
            Instant watchSince, Instant healthySince, long position, long epoch, List<Instant> minorFailures) {

        boolean watched() {
            return status == Status.HEALTHY || status == Status.SUSPECTED;
        }

        Node with(Status s) {
            return new Node(nodeId, role, zone, ip, s, lastHeartbeatAt, watchSince, healthySince, position, epoch,
                    minorFailures);
        }

        Node withRole(Role r) {
            return new Node(nodeId, r, zone, ip, status, lastHeartbeatAt, watchSince, healthySince, position, epoch,
                    minorFailures);
        }
    }

    /** The newest restore point backup-service published. */
    public record RestorePoint(Instant lastArchivedAt, long lastArchivedPosition, String latestBackupId) {
    }

    /** A phase of a failover as it happened. */
    public record Phase(String name, Instant at, String detail) {
    }

    /**
     * One failover, in progress or done. {@code state}: STARTED, BLOCKED, PROMOTED, RESTORING,
     * COMPLETED or SUPERSEDED (the node it promoted was lost too; the next failover took over).
     */
    public record Failover(String failoverId, String kind, String state, String failedNodeId, String failedZone,
            String failedIp, String reason, String detectedBy, Instant failedAt, Instant detectedAt,
            long primaryPosition, Instant waitUntil, String promotedNodeId, Instant promotedAt,
            String replacementNodeId, Instant restorePointAt, long fromEpoch, long toEpoch, long dataLossBytes,
            Long dataLossWindowMillis, Instant completedAt, Long detectionMillis, Long promotionMillis,
            Long unavailableMillis, String note, List<Phase> phases) {

        Failover withState(String s) {
            return new Failover(failoverId, kind, s, failedNodeId, failedZone, failedIp, reason, detectedBy, failedAt,
                    detectedAt, primaryPosition, waitUntil, promotedNodeId, promotedAt, replacementNodeId,
                    restorePointAt, fromEpoch, toEpoch, dataLossBytes, dataLossWindowMillis, completedAt,
                    detectionMillis, promotionMillis, unavailableMillis, note, phases);
        }

        Failover phase(String name, Instant at, String detail) {
            List<Phase> p = new ArrayList<>(phases);
            p.add(new Phase(name, at, detail));
            return new Failover(failoverId, kind, state, failedNodeId, failedZone, failedIp, reason, detectedBy,
                    failedAt, detectedAt, primaryPosition, waitUntil, promotedNodeId, promotedAt, replacementNodeId,
                    restorePointAt, fromEpoch, toEpoch, dataLossBytes, dataLossWindowMillis, completedAt,
                    detectionMillis, promotionMillis, unavailableMillis, note, List.copyOf(p));
        }

        Failover blocked(Instant until) {
            return new Failover(failoverId, kind, "BLOCKED", failedNodeId, failedZone, failedIp, reason, detectedBy,
                    failedAt, detectedAt, primaryPosition, until, promotedNodeId, promotedAt, replacementNodeId,
                    restorePointAt, fromEpoch, toEpoch, dataLossBytes, dataLossWindowMillis, completedAt,
                    detectionMillis, promotionMillis, unavailableMillis, note, phases);
        }

        Failover promoted(String nodeId, Instant at, long epoch, long lossBytes) {
            return new Failover(failoverId, kind, "PROMOTED", failedNodeId, failedZone, failedIp, reason, detectedBy,
                    failedAt, detectedAt, primaryPosition, null, nodeId, at, replacementNodeId, restorePointAt,
                    fromEpoch, epoch, lossBytes, dataLossWindowMillis, completedAt, detectionMillis, promotionMillis,
                    unavailableMillis, note, phases);
        }

        Failover restoring(String nodeId, Instant restorePoint, long epoch) {
            return new Failover(failoverId, "RESTORE", "RESTORING", failedNodeId, failedZone, failedIp, reason,
                    detectedBy, failedAt, detectedAt, primaryPosition, null, promotedNodeId, promotedAt, nodeId,
                    restorePoint, fromEpoch, epoch, dataLossBytes, dataLossWindowMillis, completedAt,
                    detectionMillis, promotionMillis, unavailableMillis, note, phases);
        }

        Failover replacedBy(String nodeId) {
            return new Failover(failoverId, kind, state, failedNodeId, failedZone, failedIp, reason, detectedBy,
                    failedAt, detectedAt, primaryPosition, waitUntil, promotedNodeId, promotedAt, nodeId,
                    restorePointAt, fromEpoch, toEpoch, dataLossBytes, dataLossWindowMillis, completedAt,
                    detectionMillis, promotionMillis, unavailableMillis, note, phases);
        }

        Failover completed(FailoverEvent.Completed c) {
            return new Failover(failoverId, kind, "COMPLETED", failedNodeId, failedZone, failedIp, reason,
                    detectedBy, failedAt, detectedAt, primaryPosition, null, c.primaryNodeId(), promotedAt,
                    replacementNodeId, restorePointAt, fromEpoch, c.epoch(), c.dataLossBytes(),
                    c.dataLossWindowMillis(), c.completedAt(), c.detectionMillis(), c.promotionMillis(),
                    c.unavailableMillis(), c.note(), phases);
        }
    }

    public static InstanceHealth initial() {
        return new InstanceHealth(null, false, false, null, null, null, 0, null, 1, List.of(), null, null, List.of(), 0);
    }

    public Optional<Node> node(String nodeId) {
        return nodes.stream().filter(n -> n.nodeId().equals(nodeId)).findFirst();
    }

    /** The node failover holds to be primary now, if it is not lost. */
    public Optional<Node> primary() {
        return nodes.stream().filter(n -> n.role() == Role.PRIMARY && n.watched()).findFirst();
    }

    /** Nodes the region's guard counts: watched nodes of a tracked, live instance. */
    int countedNodes() {
        return tracked && !deleted ? (int) nodes.stream().filter(Node::watched).count() : 0;
    }

    /** The highest replication position any node of the instance reported. */
    long highestPosition() {
        return nodes.stream().mapToLong(Node::position).max().orElse(0);
    }

    InstanceHealth withNodes(List<Node> n) {
        return new InstanceHealth(instanceId, tracked, deleted, region, plan, tier, nodeCount, serviceHost, epoch,
                List.copyOf(n), restorePoint, active, history, replacements);
    }

    InstanceHealth withNode(String nodeId, UnaryOperator<Node> change) {
        return withNodes(nodes.stream().map(n -> n.nodeId().equals(nodeId) ? change.apply(n) : n).toList());
    }

    InstanceHealth withActive(Failover f) {
        return new InstanceHealth(instanceId, tracked, deleted, region, plan, tier, nodeCount, serviceHost, epoch,
                nodes, restorePoint, f, history, replacements);
    }

    /** Adds a phase to the active failover; without a time, at the time of its last phase. */
    InstanceHealth withActivePhase(String name, Instant at, String detail) {
        if (active == null) {
            return this;
        }
        Instant when = at != null || active.phases().isEmpty() ? at
                : active.phases().get(active.phases().size() - 1).at();
        return withActive(active.phase(name, when, detail));
    }

    /** Moves the active failover to the history (newest first, bounded). */
    InstanceHealth finish(Failover done) {
        List<Failover> h = new ArrayList<>();
        h.add(done);
        h.addAll(history);
        return new InstanceHealth(instanceId, tracked, deleted, region, plan, tier, nodeCount, serviceHost, epoch,
                nodes, restorePoint, null, List.copyOf(h.subList(0, Math.min(HISTORY, h.size()))), replacements);
    }

    InstanceHealth withEpoch(long e) {
        return new InstanceHealth(instanceId, tracked, deleted, region, plan, tier, nodeCount, serviceHost, e, nodes,
                restorePoint, active, history, replacements);
    }

    InstanceHealth withRestorePoint(RestorePoint p) {
        return new InstanceHealth(instanceId, tracked, deleted, region, plan, tier, nodeCount, serviceHost, epoch,
                nodes, p, active, history, replacements);
    }

    InstanceHealth withReplacements(int r) {
        return new InstanceHealth(instanceId, tracked, deleted, region, plan, tier, nodeCount, serviceHost, epoch,
                nodes, restorePoint, active, history, r);
    }

    InstanceHealth tracking(String id, String r, String p, String t, int count, String host) {
        return new InstanceHealth(id, true, deleted, r, p, t, count, host, epoch, nodes, restorePoint, active,
                history, replacements);
    }

    InstanceHealth untracked() {
        return new InstanceHealth(instanceId, tracked, true, region, plan, tier, nodeCount, serviceHost, epoch, nodes,
                restorePoint, active, history, replacements);
    }
}
