package io.datastores.dataplane.domain;

import io.datastores.dataplane.domain.Fleet.NodeStatus;
import io.datastores.dataplane.domain.Fleet.Role;

/**
 * One thing to do to a server or an endpoint, in the order {@link Rules} planned them. Each step says
 * what the fleet is once it has succeeded ({@link #after}); the executor runs it and applies that.
 */
public sealed interface Step {

    String instanceId();

    /** The fleet once this step has succeeded. */
    default Fleet after(Fleet fleet) {
        return fleet;
    }

    /** Secrets, certificate and endpoint (with no target yet) for a new instance; idempotent. */
    record PrepareInstance(String instanceId) implements Step {
    }

    /** A new, empty primary: initdb, settings, start, the accounts; then it runs. */
    record InitPrimary(String instanceId, String nodeId) implements Step {
        @Override
        public Fleet after(Fleet fleet) {
            return fleet.withNode(nodeId, n -> n.with(NodeStatus.RUNNING))
                    .withInstance(instanceId, i -> i.withPrimary(nodeId));
        }
    }

    /** A new standby: a base backup of {@code fromNodeId} with a replication slot, then started. */
    record CloneStandby(String instanceId, String nodeId, String fromNodeId) implements Step {
        @Override
        public Fleet after(Fleet fleet) {
            return fleet.withNode(nodeId, n -> n.with(NodeStatus.RUNNING));
        }
    }

    /** Writes the node's settings for its role; reloads them, or restarts the server when one needs it. */
    record Configure(String instanceId, String nodeId, boolean restart) implements Step {
    }

    /** Starts a stopped or crashed server in place. */
    record Start(String instanceId, String nodeId) implements Step {
        @Override
        public Fleet after(Fleet fleet) {
            return fleet.withNode(nodeId, n -> n.with(NodeStatus.RUNNING));
        }
    }

    /** Stops the server and deletes its data; its replication slot on the primary goes too. */
    record Remove(String instanceId, String nodeId) implements Step {
        @Override
        public Fleet after(Fleet fleet) {
            return fleet.withInstance(instanceId, i -> i.withoutNode(nodeId));
        }
    }

    /**
     * Kills the postmaster (a crash: the heartbeats find it dead and say so, as for any crash), or every
     * process of the server (its machine is gone: it falls silent).
     */
    record Kill(String instanceId, String nodeId, boolean machineGone) implements Step {
        @Override
        public Fleet after(Fleet fleet) {
            return machineGone ? fleet.withNode(nodeId, n -> n.with(NodeStatus.LOST)) : fleet;
        }
    }

    /**
     * Before a promotion: if another running standby has received more than {@code nodeId}, it streams
     * from that one until it has everything (no commit a quorum acknowledged is left behind).
     */
    record CatchUp(String instanceId, String nodeId) implements Step {
    }

    /** Promotes the standby; it serves as primary at {@code epoch}. */
    record PromoteNode(String instanceId, String nodeId, long epoch) implements Step {
        @Override
        public Fleet after(Fleet fleet) {
            return fleet.withNode(nodeId, n -> n.as(Role.PRIMARY, epoch))
                    .withInstance(instanceId, i -> i.withPrimary(nodeId).withEpoch(epoch));
        }
    }

    /**
     * A standby streams from another standby (cascading) instead of the primary: the one about to be
     * promoted, so that it is attached there the moment the promotion happens and follows the new
     * timeline by itself (a Premium commit on the new primary then finds its quorum at once).
     */
    record StreamFrom(String instanceId, String nodeId, String upstreamNodeId) implements Step {
    }

    /** A checkpoint on the new primary: a rewind onto its timeline reads the timeline from it. */
    record Checkpoint(String instanceId, String nodeId) implements Step {
    }

    /**
     * A standby follows a new primary at {@code epoch}: its slot on the new primary, its connection
     * pointed there; if its history went past the new primary's, it is rewound first.
     */
    record Follow(String instanceId, String nodeId, String primaryNodeId, long epoch) implements Step {
        @Override
        public Fleet after(Fleet fleet) {
            return fleet.withNode(nodeId, n -> n.as(Role.STANDBY, epoch).with(NodeStatus.RUNNING));
        }
    }

    /**
     * A node that was lost (or claims an old epoch) is fenced: it never serves as primary again; what it
     * wrote past the new primary's history is measured and discarded (pg_rewind, or a new base backup
     * when that fails), and it starts as a standby of the current primary at {@code epoch}.
     */
    record Rejoin(String instanceId, String nodeId, String primaryNodeId, long epoch) implements Step {
        @Override
        public Fleet after(Fleet fleet) {
            return fleet.withNode(nodeId, n -> n.as(Role.STANDBY, epoch).with(NodeStatus.RUNNING));
        }
    }

    /** The endpoint forwards new connections to the node (closing sessions to the one before). */
    record PointEndpoint(String instanceId, String nodeId) implements Step {
    }

    /** New connections wait at the endpoint (a planned switchover). */
    record PauseEndpoint(String instanceId) implements Step {
    }

    /** Waiting connections go on to the current target. */
    record ResumeEndpoint(String instanceId) implements Step {
    }

    /** The endpoint's allow-list follows the instance's. */
    record UpdateEndpoint(String instanceId) implements Step {
    }

    /** The instance is gone: its endpoint, certificate and secrets too. */
    record DropInstance(String instanceId) implements Step {
        @Override
        public Fleet after(Fleet fleet) {
            return fleet.without(instanceId);
        }
    }

    /** The super admin account gets a new password, sealed for marketplace-service. */
    record IssueAdminCredential(String instanceId) implements Step {
    }

    /**
     * A planned switchover's preparation, once new connections wait: the primary stops cleanly (sending
     * its standbys everything), and the target replays up to its last position, which is reported.
     */
    record HandOver(String instanceId, String switchoverId, String fromNodeId, String toNodeId) implements Step {
    }

    /** A replacement primary restores: without a backup, it starts empty at {@code epoch}; reported. */
    record RestoreEmpty(String instanceId, String nodeId, long epoch, String correlationId) implements Step {
        @Override
        public Fleet after(Fleet fleet) {
            return fleet.withNode(nodeId, n -> n.as(Role.PRIMARY, epoch).with(NodeStatus.RUNNING))
                    .withInstance(instanceId, i -> i.withPrimary(nodeId).withEpoch(epoch));
        }
    }

    /** Logs in to the primary with imported credentials and reports whether the server accepted them. */
    record VerifyLogin(String instanceId, String requestId, String credentialId, String username,
            byte[] sealedPassword) implements Step {
        @Override
        public String toString() {
            return "VerifyLogin[" + instanceId + ", " + credentialId + "]";
        }
    }

    /** Tells the control plane. */
    record Tell(Report report) implements Step {
        @Override
        public String instanceId() {
            return report.instanceId();
        }
    }
}
