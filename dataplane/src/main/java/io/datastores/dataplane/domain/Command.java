package io.datastores.dataplane.domain;

import java.util.List;

import io.datastores.dataplane.domain.Fleet.Role;

/**
 * What the control plane (or an operator at this machine) asks of the data plane, read from the
 * control plane's events. Commands that change a topology carry the fencing epoch they were decided at.
 */
public sealed interface Command {

    String instanceId();

    /** The event type it came from, named in refusals. */
    default String source() {
        return getClass().getSimpleName();
    }

    /** An instance was accepted: what its servers and endpoint need (InstanceAccepted). */
    record Accept(String instanceId, Engine engine, String plan, Tier tier, String serviceHost, int connectionLimit,
            List<String> allowlist) implements Command {
        @Override
        public String source() {
            return "InstanceAccepted";
        }
    }

    /** A node is needed (NodeProvisioningRequested, or ReplacementNodeRequested with {@code replaces}). */
    record Provision(String instanceId, String nodeId, Role role, String zone, long epoch, int attempt,
            String replaces) implements Command {
        @Override
        public String source() {
            return replaces == null ? "NodeProvisioningRequested" : "ReplacementNodeRequested";
        }
    }

    /** The plan changed: another connection limit, perhaps synchronous replication (PlanChanged). */
    record ChangePlan(String instanceId, String plan, Tier tier, int connectionLimit) implements Command {
        @Override
        public String source() {
            return "PlanChanged";
        }
    }

    /** The allow-list changed (AllowlistChanged), or is the one an InstanceReady publishes. */
    record ChangeAllowlist(String instanceId, List<String> allowlist) implements Command {
        @Override
        public String source() {
            return "AllowlistChanged";
        }
    }

    /** A standby is no longer needed (NodeDecommissionRequested). */
    record Decommission(String instanceId, String nodeId, long epoch) implements Command {
        @Override
        public String source() {
            return "NodeDecommissionRequested";
        }
    }

    /** The instance is gone (InstanceDeleted): its servers stop and are removed. */
    record Delete(String instanceId) implements Command {
        @Override
        public String source() {
            return "InstanceDeleted";
        }
    }

    /** A standby becomes the primary at {@code epoch} (StandbyPromoted). */
    record Promote(String instanceId, String nodeId, long epoch, String correlationId) implements Command {
        @Override
        public String source() {
            return "StandbyPromoted";
        }
    }

    /** The endpoint moves to the node at {@code toAddress} (EndpointMoved). */
    record MoveEndpoint(String instanceId, String toAddress, String correlationId) implements Command {
        @Override
        public String source() {
            return "EndpointMoved";
        }
    }

    /** A replacement primary restores from a backup (RestoreRequested); null backup: none exists. */
    record Restore(String instanceId, String nodeId, String backupId, long epoch, String correlationId)
            implements Command {
        @Override
        public String source() {
            return "RestoreRequested";
        }
    }

    /** A node that crashed is restarted in place (NodeRestartRequested). */
    record Restart(String instanceId, String nodeId, long epoch) implements Command {
        @Override
        public String source() {
            return "NodeRestartRequested";
        }
    }

    /** The control plane fenced a node (NodeFenced): it must not serve as primary at an old epoch. */
    record Fence(String instanceId, String nodeId, long epoch) implements Command {
        @Override
        public String source() {
            return "NodeFenced";
        }
    }

    /** A replacement is not needed after all (ReplacementCancelled). */
    record CancelReplacement(String instanceId, String nodeId, long epoch) implements Command {
        @Override
        public String source() {
            return "ReplacementCancelled";
        }
    }

    /** A planned switchover starts (SwitchoverStarted): prepare it. */
    record PrepareSwitchover(String instanceId, String switchoverId, String fromNodeId, String toNodeId, long epoch)
            implements Command {
        @Override
        public String source() {
            return "SwitchoverStarted";
        }
    }

    /** A planned switchover was given up (SwitchoverAborted): the old primary serves on. */
    record AbortSwitchover(String instanceId, String switchoverId) implements Command {
        @Override
        public String source() {
            return "SwitchoverAborted";
        }
    }

    /**
     * After a promotion (once the endpoint could move): the instance's other servers follow the new
     * primary at {@code epoch}.
     */
    record FollowPrimary(String instanceId, String primaryNodeId, long epoch) implements Command {
        @Override
        public String source() {
            return "StandbyPromoted";
        }
    }

    /**
     * The instance's super admin gets a (new) password, sealed for marketplace-service: after its first
     * primary is made, and after a restore made a new one.
     */
    record IssueAdmin(String instanceId) implements Command {
        @Override
        public String source() {
            return "AdminCredentialIssued";
        }
    }

    /**
     * Imported credentials are checked by logging in with them (CredentialVerificationRequested); the
     * password is sealed for this data plane.
     */
    record VerifyCredential(String instanceId, String requestId, String credentialId, String username,
            byte[] sealedPassword) implements Command {
        @Override
        public String source() {
            return "CredentialVerificationRequested";
        }

        @Override
        public String toString() {
            return "VerifyCredential[" + instanceId + ", " + credentialId + ", " + username + "]"; // never the secret
        }
    }

    /** backup-service asks for a backup (BackupRequested). */
    record Backup(String instanceId, String backupId) implements Command {
        @Override
        public String source() {
            return "BackupRequested";
        }
    }

    /** An operator at this machine: the node's postmaster dies (a process crash). */
    record Crash(String instanceId, String nodeId) implements Command {
    }

    /** An operator at this machine: the node's machine is gone (it stops answering). */
    record Lose(String instanceId, String nodeId) implements Command {
    }

    /** An operator at this machine: a lost node's machine is back. */
    record Return(String instanceId, String nodeId) implements Command {
    }
}
