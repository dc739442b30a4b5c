package io.datastores.failover.domain;

import java.time.Instant;
import java.util.List;

/**
 * What failover decides about one instance. The records under "state" change only what failover
 * remembers; the others are published on {@code dcp.failover-events}, except {@link RegionNodes},
 * which goes to the region's guard.
 */
public sealed interface FailoverEvent {

    // --- state ---

    /** The instance is watched: its region, plan and host. */
    record Tracked(String instanceId, String region, String plan, Tier tier, int nodeCount, String serviceHost)
            implements FailoverEvent {
    }

    record PlanRecorded(String plan, Tier tier, int nodeCount) implements FailoverEvent {
    }

    /**
     * A node provisioning asked for: known in its role and zone, pending (not watched) until it is
     * up. A replacement failover asks for is known so too, by {@link ReplacementRequested}.
     */
    record NodeExpected(String nodeId, Role role, String zone) implements FailoverEvent {
    }

    /** Nodes provisioning published; unknown and expected ones are watched from {@code at}. */
    record NodesRecorded(List<FailoverCommand.PlannedNode> nodes, Instant at) implements FailoverEvent {
    }

    record NodeDropped(String nodeId) implements FailoverEvent {
    }

    record Untracked() implements FailoverEvent {
    }

    /** A node was heard; only failover's own state moves (never published, nothing reads it). */
    record HeartbeatRecorded(String nodeId, Role role, long position, long epoch, Instant at)
            implements FailoverEvent, io.datastores.kit.decider.StateOnly {
    }

    record MinorFailureRecorded(String nodeId, Instant at) implements FailoverEvent {
    }

    record RestorePointRecorded(Instant lastArchivedAt, long lastArchivedPosition, String latestBackupId)
            implements FailoverEvent {
    }

    /** A replacement node is up; it is watched from {@code at}. */
    record ReplacementUp(String nodeId, String ip, String zone, Instant at) implements FailoverEvent {
    }

    /** A held suspicion was dismissed: the node's silence is counted again from {@code at}. */
    record SuspicionCleared(String nodeId, Instant at) implements FailoverEvent {
    }

    /** The number of watched nodes of the instance's region changed (for the region's guard). */
    record RegionNodes(String region, int delta) implements FailoverEvent {
    }

    /** Telemetry of an instance never accepted was dropped (see {@link FailoverPolicy#unknownInstanceGrace()}). */
    record Forgotten() implements FailoverEvent {
    }

    /**
     * Not an instance's: the instance stage (one partition of it) has decided everything time owed up
     * to {@code upTo}. The region's guard waits for it before deciding in event time.
     */
    record TimeDecided(Instant upTo) implements FailoverEvent {
    }

    /**
     * Not an instance's: the instance stage's timer has heard partition {@code partition}'s inputs up
     * to {@code upTo}. Written into that partition of {@code dcp.node-telemetry}, it is decided on when
     * read back ({@link FailoverCommand.TimeReached}), where a rebuild reads it too.
     */
    record HeardUpTo(int partition, Instant upTo) implements FailoverEvent {
    }

    // --- published ---

    record Suspected(String nodeId, String region, Instant lastHeartbeatAt, long silentMillis)
            implements FailoverEvent {
    }

    record Recovered(String nodeId, String region) implements FailoverEvent {
    }

    /** A node is declared lost. {@code failedAt}: the last moment it was known healthy. */
    record Lost(String nodeId, String reason, DetectionSource detectedBy, long epoch, Instant failedAt)
            implements FailoverEvent {
    }

    record RestartRequested(String nodeId, long epoch, String detail) implements FailoverEvent {
    }

    record Started(String failoverId, String failedNodeId, FailoverKind kind, String reason,
            DetectionSource detectedBy,
            Instant failedAt, Instant detectedAt, long epoch) implements FailoverEvent {
    }

    record Blocked(String failoverId, String reason, Instant waitUntil) implements FailoverEvent {
    }

    record Promoted(String failoverId, String nodeId, long epoch, long position, String previousPrimary,
            long lagBytes, Instant at) implements FailoverEvent {
    }

    record EndpointMoved(String failoverId, String serviceHost, String fromIp, String toIp) implements FailoverEvent {
    }

    record ReplacementRequested(String failoverId, String replacesNodeId, String nodeId, Role role, String zone,
            String region, long epoch) implements FailoverEvent {
    }

    record RestoreRequested(String failoverId, String nodeId, String backupId, Long targetPosition,
            Instant restorePointAt, long epoch) implements FailoverEvent {
    }

    /**
     * The instance serves again. Promotions: {@code promotionMillis} from detection to the new
     * primary reporting itself at the new epoch. Restores: {@code dataLossWindowMillis} is the
     * failure time minus the last archived point.
     */
    record Completed(String failoverId, FailoverKind kind, String primaryNodeId, long epoch, Instant failedAt,
            Instant detectedAt, Instant completedAt, long detectionMillis, long promotionMillis,
            long unavailableMillis, long dataLossBytes, Long dataLossWindowMillis, String note)
            implements FailoverEvent {
    }

    record Fenced(String nodeId, long nodeEpoch, long currentEpoch, String reason) implements FailoverEvent {
    }

    /**
     * A planned switchover from the primary {@code fromNodeId} to the standby {@code toNodeId} starts
     * at {@code epoch} (the promotion raises it); it ends by {@code timeoutAt} or is aborted.
     */
    record SwitchoverStarted(String switchoverId, String fromNodeId, String toNodeId, long epoch,
            String requestedBy, String requestId, String note, Instant at, Instant timeoutAt)
            implements FailoverEvent {
    }

    /** The switchover did not happen; the old primary serves on. */
    record SwitchoverAborted(String switchoverId, String reason, Instant at) implements FailoverEvent {
    }

    /** A switchover request refused, with the reason. */
    record SwitchoverRejected(String requestId, String reason) implements FailoverEvent {
    }

    /**
     * A fenced node runs as a standby of the current primary at the current epoch: it is one of the
     * instance's standbys again, a promotion candidate after the usual stability.
     */
    record NodeRejoined(String nodeId, long epoch, String ip, String zone, long position, Instant at)
            implements FailoverEvent {
    }

    /** A replacement is not needed any more: the node it replaced rejoined. */
    record ReplacementCancelled(String nodeId, String replacesNodeId, long epoch, String reason)
            implements FailoverEvent {
    }

    /**
     * The real data loss of {@code failoverId}: its lost primary came back and was rewound, discarding
     * {@code lostBytes}; {@code estimatedBytes} is what the failover reported from the last heartbeat.
     */
    record DataLossMeasured(String failoverId, String nodeId, long lostBytes, long divergedAt, long estimatedBytes,
            String method, Instant at) implements FailoverEvent {
    }

    /** State only: the data plane could not carry out a command of the failover in progress. */
    record CommandFailureRecorded(String failoverId, String command, String failure, String reason, Instant at)
            implements FailoverEvent {
    }

    record Ignored(String nodeId, String signal, long signalEpoch, long currentEpoch, String reason)
            implements FailoverEvent {
    }
}
