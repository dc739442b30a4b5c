package io.datastores.dataplane.mapping;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.datastores.contract.PlanTiers;
import io.datastores.dataplane.domain.Command;
import io.datastores.dataplane.domain.Engine;
import io.datastores.dataplane.domain.Fleet.Role;
import io.datastores.dataplane.domain.Report;
import io.datastores.dataplane.domain.Tier;
import io.datastores.events.AdminCredentialIssued;
import io.datastores.events.AllowlistChanged;
import io.datastores.events.BackupFailed;
import io.datastores.events.BackupRequested;
import io.datastores.events.CredentialVerificationRequested;
import io.datastores.events.CredentialVerified;
import io.datastores.events.DataPlaneCommandFailed;
import io.datastores.events.DataPlaneFailure;
import io.datastores.events.DiagnosticSeverity;
import io.datastores.events.EndpointMoved;
import io.datastores.events.InstanceAccepted;
import io.datastores.events.InstanceDeleted;
import io.datastores.events.InstanceReady;
import io.datastores.events.NodeDecommissionRequested;
import io.datastores.events.NodeDiagnosticsReported;
import io.datastores.events.NodeFenced;
import io.datastores.events.NodeHeartbeat;
import io.datastores.events.NodeProvisioned;
import io.datastores.events.NodeProvisioningFailed;
import io.datastores.events.NodeProvisioningRequested;
import io.datastores.events.NodeRestartRequested;
import io.datastores.events.NodeRewound;
import io.datastores.events.PlanChanged;
import io.datastores.events.ReplacementCancelled;
import io.datastores.events.ReplacementNodeRequested;
import io.datastores.events.RestoreCompleted;
import io.datastores.events.RestoreRequested;
import io.datastores.events.StandbyPromoted;
import io.datastores.events.SwitchoverAborted;
import io.datastores.events.SwitchoverPrepared;
import io.datastores.events.PlanTier;
import io.datastores.events.SwitchoverStarted;

/** The contract's events to the data plane's commands, and its reports to the contract's events. */
public final class ContractMapping {

    private ContractMapping() {
    }

    /**
     * The plan's tier an event means: the one it carries, or for an event written before it carried
     * one, its plan name's, by the contract's rule ({@link PlanTiers}); the one place the data plane
     * reads a plan's name.
     */
    public static Tier tier(PlanTier carried, String plan) {
        return Tier.valueOf(PlanTiers.of(carried, plan).name());
    }

    /** The command a control-plane event carries for the data plane, if any. */
    public static Optional<Command> command(Object payload) {
        Command c = null;
        if (payload instanceof InstanceAccepted a) {
            c = new Command.Accept(a.getInstanceId(), Engine.of(a.getEngine().name()), a.getPlan(),
                    tier(a.getTier(), a.getPlan()), a.getServiceHost(),
                    a.getConnectionLimit(), List.copyOf(a.getAllowlist()));
        } else if (payload instanceof NodeProvisioningRequested r) {
            c = new Command.Provision(r.getInstanceId(), r.getNodeId(), role(r.getRole()), r.getZone(), r.getEpoch(),
                    r.getAttempt(), null);
        } else if (payload instanceof ReplacementNodeRequested r) {
            c = new Command.Provision(r.getInstanceId(), r.getNodeId(), role(r.getRole()), r.getZone(), r.getEpoch(), 1,
                    r.getReplacesNodeId());
        } else if (payload instanceof PlanChanged p) {
            c = new Command.ChangePlan(p.getInstanceId(), p.getToPlan(), tier(p.getToTier(), p.getToPlan()),
                    p.getConnectionLimit());
        } else if (payload instanceof AllowlistChanged a) {
            c = new Command.ChangeAllowlist(a.getInstanceId(), List.copyOf(a.getAllowlist()));
        } else if (payload instanceof InstanceReady r) {
            // the allow-list in force, whatever came before (events written before InstanceAccepted carried it)
            c = new Command.ChangeAllowlist(r.getInstanceId(), List.copyOf(r.getAllowlist()));
        } else if (payload instanceof NodeDecommissionRequested d) {
            c = new Command.Decommission(d.getInstanceId(), d.getNodeId(), d.getEpoch());
        } else if (payload instanceof InstanceDeleted d) {
            c = new Command.Delete(d.getInstanceId());
        } else if (payload instanceof StandbyPromoted p) {
            c = new Command.Promote(p.getInstanceId(), p.getNodeId(), p.getEpoch(), p.getFailoverId());
        } else if (payload instanceof EndpointMoved m) {
            c = m.getToIp() == null ? null : new Command.MoveEndpoint(m.getInstanceId(), m.getToIp(), m.getFailoverId());
        } else if (payload instanceof RestoreRequested r) {
            c = new Command.Restore(r.getInstanceId(), r.getNodeId(), r.getBackupId(), r.getEpoch(), r.getFailoverId());
        } else if (payload instanceof NodeRestartRequested r) {
            c = new Command.Restart(r.getInstanceId(), r.getNodeId(), r.getEpoch());
        } else if (payload instanceof NodeFenced f) {
            c = new Command.Fence(f.getInstanceId(), f.getNodeId(), f.getCurrentEpoch());
        } else if (payload instanceof ReplacementCancelled r) {
            c = new Command.CancelReplacement(r.getInstanceId(), r.getNodeId(), r.getEpoch());
        } else if (payload instanceof SwitchoverStarted s) {
            c = new Command.PrepareSwitchover(s.getInstanceId(), s.getSwitchoverId(), s.getFromNodeId(),
                    s.getToNodeId(), s.getEpoch());
        } else if (payload instanceof SwitchoverAborted a) {
            c = new Command.AbortSwitchover(a.getInstanceId(), a.getSwitchoverId());
        } else if (payload instanceof CredentialVerificationRequested v) {
            c = new Command.VerifyCredential(v.getInstanceId(), v.getRequestId(), v.getCredentialId(), v.getUsername(),
                    bytes(v.getSealedPassword()));
        } else if (payload instanceof BackupRequested b) {
            c = new Command.Backup(b.getInstanceId(), b.getBackupId());
        }
        return Optional.ofNullable(c);
    }

    /** The contract's event for a report. */
    public static Object event(Report report) {
        if (report instanceof Report.NodeUp u) {
            return new NodeProvisioned(u.instanceId(), u.nodeId(), "localhost", u.address(), u.zone(), "127.0.0.1",
                    u.endpointPort());
        }
        if (report instanceof Report.ProvisioningFailed f) {
            return new NodeProvisioningFailed(f.instanceId(), f.nodeId(), f.attempt(), f.reason(), f.retryable());
        }
        if (report instanceof Report.CommandFailed f) {
            return new DataPlaneCommandFailed(f.instanceId(), f.nodeId(), f.command(), f.epoch(), f.currentEpoch(),
                    DataPlaneFailure.valueOf(f.failure().name()), f.reason(), f.correlatesWith());
        }
        if (report instanceof Report.CredentialChecked c) {
            return new CredentialVerified(c.requestId(), c.credentialId(), c.instanceId(), c.verified(), c.reason());
        }
        if (report instanceof Report.BackupFailed b) {
            return new BackupFailed(b.instanceId(), b.backupId(), b.reason());
        }
        if (report instanceof Report.Diagnosis d) {
            return new NodeDiagnosticsReported(d.instanceId(), d.nodeId(), DiagnosticSeverity.valueOf(d.severity().name()),
                    d.detail());
        }
        throw new IllegalStateException("no event for " + report); // every report has one above
    }

    public static NodeHeartbeat heartbeat(String instanceId, String nodeId, Role role, long position, long epoch) {
        return new NodeHeartbeat(instanceId, nodeId, io.datastores.events.NodeRole.valueOf(role.name()), position, epoch);
    }

    public static AdminCredentialIssued adminIssued(String instanceId, String username, byte[] sealed, String keyId) {
        return new AdminCredentialIssued(instanceId, username, java.nio.ByteBuffer.wrap(sealed), keyId);
    }

    public static RestoreCompleted restored(String instanceId, String nodeId, long position, Instant at) {
        return new RestoreCompleted(instanceId, nodeId, "", position, at);
    }

    public static SwitchoverPrepared switchoverPrepared(String instanceId, String switchoverId, String from, String to,
            long position) {
        return new SwitchoverPrepared(instanceId, switchoverId, from, to, position);
    }

    public static NodeRewound rewound(String instanceId, String nodeId, long epoch, long divergedAt, long discarded,
            String method) {
        return new NodeRewound(instanceId, nodeId, epoch, divergedAt, discarded, method);
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private static Role role(io.datastores.events.NodeRole role) {
        return role == io.datastores.events.NodeRole.PRIMARY ? Role.PRIMARY : Role.STANDBY;
    }
}
