package io.datastores.failover.domain;

import java.time.Instant;
import java.util.List;

import io.datastores.kit.decider.TimeSignal;

/** What failover-service hears about one instance, keyed by instance id. */
public sealed interface FailoverCommand {

    String instanceId();

    /** Provisioning accepted the instance: where it runs and on which plan. */
    record Track(String instanceId, String region, String plan, Tier tier, int nodeCount, String serviceHost)
            implements FailoverCommand {
    }

    /** The instance moved to another plan. */
    record ChangePlan(String instanceId, String plan, Tier tier, int nodeCount) implements FailoverCommand {
    }

    /**
     * Provisioning asked the data plane for a node of the instance, in a role and zone: it is
     * expected, and watched once it is up (ready, or heard).
     */
    record ExpectNode(String instanceId, String nodeId, Role role, String zone) implements FailoverCommand {
    }

    /** Provisioning published the instance ready with these nodes. */
    record RecordNodes(String instanceId, List<PlannedNode> nodes) implements FailoverCommand {
    }

    /** Provisioning removed a standby (a smaller plan). */
    record Decommission(String instanceId, String nodeId) implements FailoverCommand {
    }

    /** The instance is deleted: nothing more to watch. */
    record Delete(String instanceId) implements FailoverCommand {
    }

    /** A node is alive, at a replication position, in a role and epoch as it sees them. */
    /**
     * A node's heartbeat: the most frequent command. It is idempotent by design (one no newer than the
     * node's last changes nothing), so the shell does not remember its id ({@link Repeatable}).
     */
    record Heartbeat(String instanceId, String nodeId, Role role, long position, long epoch)
            implements FailoverCommand, io.datastores.kit.decider.Repeatable {
    }

    /** A node's self-diagnostics: OK, MINOR or SEVERE. */
    record Diagnose(String instanceId, String nodeId, Severity severity, String detail)
            implements FailoverCommand {
    }

    /** Another platform service reports a node lost (epoch 0: the reporter did not say). */
    record ReportFailure(String instanceId, String nodeId, String reason, long epoch) implements FailoverCommand {
    }

    /** The data plane reports a node up (a replacement failover asked for). */
    record NodeUp(String instanceId, String nodeId, String ip, String zone) implements FailoverCommand {
    }

    /** backup-service's restorable window: the newest archived point and the latest full backup. */
    record RecordRestorePoint(String instanceId, Instant lastArchivedAt, long lastArchivedPosition,
            String latestBackupId) implements FailoverCommand {
    }

    /** The data plane restored a node from backup. */
    record RestoreDone(String instanceId, String nodeId, String backupId, long position, Instant restoredAt)
            implements FailoverCommand {
    }

    /** The region's guard lets a suspected node be declared lost. */
    record ConfirmLoss(String instanceId, String nodeId, String reason) implements FailoverCommand {
    }

    /** An operator dismissed a suspicion held by a paused region. */
    record DismissSuspicion(String instanceId, String nodeId, String reason) implements FailoverCommand {
    }

    /**
     * An operator asks for a planned switchover of the primary, to {@code targetNodeId} (null: the
     * most advanced healthy standby within the lag budget).
     */
    record RequestSwitchover(String instanceId, String requestId, String targetNodeId, String operator,
            String note) implements FailoverCommand {
    }

    /**
     * The data plane prepared a switchover: new connections wait, the old primary stopped cleanly at
     * {@code position}, which the target has replayed.
     */
    record SwitchoverPrepared(String instanceId, String switchoverId, String fromNodeId, String toNodeId,
            long position) implements FailoverCommand {
    }

    /**
     * The data plane refused a command (an older epoch than it has seen) or failed to carry it out;
     * {@code correlatesWith} is the switchover or failover id the command named, if any.
     */
    record CommandFailed(String instanceId, String nodeId, String command, long epoch, long currentEpoch,
            String failure, String reason, String correlatesWith) implements FailoverCommand {
    }

    /**
     * The data plane rewound a fenced node onto the current primary's timeline (or rebuilt it): it
     * discarded {@code discardedBytes} written past {@code divergedAt}.
     */
    record NodeRewound(String instanceId, String nodeId, long epoch, long divergedAt, long discardedBytes,
            String method) implements FailoverCommand {
    }

    /**
     * failover-service's own mark in the telemetry, read back: its partition's inputs were heard up to
     * {@code upTo}. The decider's shell decides there what time owes every instance of the partition
     * (silences, waits); no decider sees it.
     */
    record TimeReached(int partition, Instant upTo) implements FailoverCommand, TimeSignal {

        /** Not an instance's: the mark is its partition's. */
        @Override
        public String instanceId() {
            return null;
        }
    }

    /** Time passed: look for silent nodes and failovers whose wait is over. */
    record CheckTime(String instanceId) implements FailoverCommand {
    }

    /** A node as provisioning planned it. */
    record PlannedNode(String nodeId, Role role, String zone, String ip) {
    }
}
