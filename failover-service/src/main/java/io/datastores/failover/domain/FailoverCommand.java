package io.datastores.failover.domain;

import java.time.Instant;
import java.util.List;

/** What failover-service hears about one instance, keyed by instance id. */
public sealed interface FailoverCommand {

    String instanceId();

    /** Provisioning accepted the instance: where it runs and on which plan. */
    record Track(String instanceId, String region, String plan, int nodeCount, String serviceHost)
            implements FailoverCommand {
    }

    /** The instance moved to another plan. */
    record ChangePlan(String instanceId, String plan, int nodeCount) implements FailoverCommand {
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
    record Diagnose(String instanceId, String nodeId, String severity, String detail) implements FailoverCommand {
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

    /** Time passed: look for silent nodes and failovers whose wait is over. */
    record CheckTime(String instanceId) implements FailoverCommand {
    }

    /** A node as provisioning planned it. */
    record PlannedNode(String nodeId, Role role, String zone, String ip) {
    }
}
