package io.datastores.failover.mapping;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.datastores.contract.PlanTiers;
import io.datastores.events.DataPlaneCommandFailed;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.FailoverCommandEnvelope;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.InstanceAccepted;
import io.datastores.events.InstanceDeleted;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceReady;
import io.datastores.events.NodeAlertEnvelope;
import io.datastores.events.NodeDecommissionRequested;
import io.datastores.events.HeardUpTo;
import io.datastores.events.NodeDiagnosticsReported;
import io.datastores.events.NodeFailed;
import io.datastores.events.NodeHeartbeat;
import io.datastores.events.NodeLossConfirmed;
import io.datastores.events.NodeProvisioned;
import io.datastores.events.NodeProvisioningRequested;
import io.datastores.events.NodeRewound;
import io.datastores.events.NodeSuspicionDismissed;
import io.datastores.events.NodeTelemetryEnvelope;
import io.datastores.events.PlanChanged;
import io.datastores.events.RegionFailoverDecision;
import io.datastores.events.RestoreCompleted;
import io.datastores.events.RestorePoint;
import io.datastores.events.RestorePointsEnvelope;
import io.datastores.events.RestoreWindowChanged;
import io.datastores.events.SwitchoverPrepared;
import io.datastores.events.SwitchoverRequested;
import io.datastores.failover.domain.FailoverCommand;
import io.datastores.failover.domain.RegionCommand;
import io.datastores.failover.domain.Role;
import io.datastores.failover.domain.Severity;
import io.datastores.failover.domain.Tier;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.streams.EnvelopeMeta;

/** The contract's events as failover's commands (inbound). */
public final class FailoverMapping {

    private FailoverMapping() {
    }

    /** The tier an instance event means, by the contract's rule for old events too ({@link PlanTiers}). */
    static Tier tier(io.datastores.events.PlanTier carried, String plan) {
        return Tier.valueOf(PlanTiers.of(carried, plan).name());
    }

    /** The region key of an instance: {@code CLOUD:region}. */
    public static String regionKey(String cloud, String region) {
        return cloud + ":" + region;
    }

    /**
     * An instance's acceptance and the nodes provisioning asks for: what the telemetry about it is
     * about, read where they are, never relayed. A node is known from its request, in its role and
     * zone, before the data plane starts it: its first signal, a heartbeat or a SEVERE diagnosis,
     * may come before the relayed {@code InstanceReady} that gives its address (ADR 11).
     */
    public static List<Envelope<FailoverCommand>> fromAcceptance(InstanceEventEnvelope e) {
        return acceptance(e) ? fromInstanceEvent(e) : List.of();
    }

    /**
     * Every instance event after its acceptance but the node requests: nodes ready and their
     * addresses, plan changes, decommissions, deletion.
     */
    public static List<Envelope<FailoverCommand>> fromInstanceChanges(InstanceEventEnvelope e) {
        return acceptance(e) ? List.of() : fromInstanceEvent(e);
    }

    /** Whether an instance event is read where it is ({@link #fromAcceptance}), not relayed. */
    static boolean acceptance(InstanceEventEnvelope e) {
        return e.getPayload() instanceof InstanceAccepted || e.getPayload() instanceof NodeProvisioningRequested;
    }

    public static List<Envelope<FailoverCommand>> fromInstanceEvent(InstanceEventEnvelope e) {
        Object p = e.getPayload();
        FailoverCommand c;
        if (p instanceof InstanceAccepted a) {
            c = new FailoverCommand.Track(a.getInstanceId(), regionKey(a.getCloud().name(), a.getRegion()), a.getPlan(),
                    tier(a.getTier(), a.getPlan()), a.getNodeCount(), a.getServiceHost());
        } else if (p instanceof PlanChanged pc) {
            c = new FailoverCommand.ChangePlan(pc.getInstanceId(), pc.getToPlan(),
                    tier(pc.getToTier(), pc.getToPlan()), pc.getNodeCount());
        } else if (p instanceof InstanceReady r) {
            c = new FailoverCommand.RecordNodes(r.getInstanceId(), r.getNodes().stream()
                    .map(n -> new FailoverCommand.PlannedNode(n.getNodeId(), Role.valueOf(n.getRole().name()),
                            n.getZone(), n.getIp()))
                    .toList());
        } else if (p instanceof NodeProvisioningRequested n) {
            c = new FailoverCommand.ExpectNode(n.getInstanceId(), n.getNodeId(), Role.valueOf(n.getRole().name()),
                    n.getZone());
        } else if (p instanceof NodeDecommissionRequested d) {
            c = new FailoverCommand.Decommission(d.getInstanceId(), d.getNodeId());
        } else if (p instanceof InstanceDeleted d) {
            c = new FailoverCommand.Delete(d.getInstanceId());
        } else {
            return List.of();
        }
        return one(e.getMetadata(), c);
    }

    public static List<Envelope<FailoverCommand>> fromTelemetry(NodeTelemetryEnvelope e) {
        Object p = e.getPayload();
        FailoverCommand c;
        if (p instanceof NodeHeartbeat h) {
            c = new FailoverCommand.Heartbeat(h.getInstanceId(), h.getNodeId(), Role.valueOf(h.getRole().name()),
                    h.getReplicationPosition(), h.getEpoch());
        } else if (p instanceof NodeDiagnosticsReported d) {
            c = new FailoverCommand.Diagnose(d.getInstanceId(), d.getNodeId(),
                    Severity.valueOf(d.getSeverity().name()), d.getDetail());
        } else if (p instanceof HeardUpTo mark) {
            c = new FailoverCommand.TimeReached(mark.getPartition(), mark.getUpTo());
        } else {
            return List.of();
        }
        return one(e.getMetadata(), c);
    }

    public static List<Envelope<FailoverCommand>> fromAlert(NodeAlertEnvelope e) {
        if (e.getPayload() instanceof NodeFailed f) {
            return one(e.getMetadata(), new FailoverCommand.ReportFailure(f.getInstanceId(), f.getNodeId(),
                    f.getReason(), f.getEpoch()));
        }
        return List.of();
    }

    public static List<Envelope<FailoverCommand>> fromDataPlane(DataPlaneEventEnvelope e) {
        Object p = e.getPayload();
        if (p instanceof NodeProvisioned n) {
            return one(e.getMetadata(), new FailoverCommand.NodeUp(n.getInstanceId(), n.getNodeId(), n.getIp(),
                    n.getZone()));
        }
        if (p instanceof RestoreCompleted r) {
            return one(e.getMetadata(), new FailoverCommand.RestoreDone(r.getInstanceId(), r.getNodeId(),
                    r.getBackupId(), r.getRestoredToPosition(), r.getRestoredAt()));
        }
        if (p instanceof SwitchoverPrepared s) {
            return one(e.getMetadata(), new FailoverCommand.SwitchoverPrepared(s.getInstanceId(), s.getSwitchoverId(),
                    s.getFromNodeId(), s.getToNodeId(), s.getPosition()));
        }
        if (p instanceof DataPlaneCommandFailed f) {
            return one(e.getMetadata(), new FailoverCommand.CommandFailed(f.getInstanceId(), f.getNodeId(),
                    f.getCommand(), f.getEpoch(), f.getCurrentEpoch(), f.getFailure().name(), f.getReason(),
                    f.getCorrelatesWith()));
        }
        if (p instanceof NodeRewound r) {
            return one(e.getMetadata(), new FailoverCommand.NodeRewound(r.getInstanceId(), r.getNodeId(), r.getEpoch(),
                    r.getDivergedAt(), r.getDiscardedBytes(), r.getMethod()));
        }
        return List.of();
    }

    public static List<Envelope<FailoverCommand>> fromRestorePoints(RestorePointsEnvelope e) {
        if (e.getPayload() instanceof RestoreWindowChanged w) {
            String latest = w.getFullBackups().stream().max(Comparator.comparing(RestorePoint::getCompletedAt))
                    .map(RestorePoint::getBackupId).orElse(null);
            Instant end = w.getWindowEnd();
            return one(e.getMetadata(), new FailoverCommand.RecordRestorePoint(w.getInstanceId(), end,
                    w.getLastArchivedPosition(), latest));
        }
        return List.of();
    }

    /** The region guard's verdicts, read back from failover's own topic. */
    public static List<Envelope<FailoverCommand>> fromVerdicts(FailoverEventEnvelope e) {
        Object p = e.getPayload();
        if (p instanceof NodeLossConfirmed c) {
            return one(e.getMetadata(), new FailoverCommand.ConfirmLoss(c.getInstanceId(), c.getNodeId(), c.getReason()));
        }
        if (p instanceof NodeSuspicionDismissed d) {
            return one(e.getMetadata(), new FailoverCommand.DismissSuspicion(d.getInstanceId(), d.getNodeId(),
                    d.getReason()));
        }
        return List.of();
    }

    public static List<Envelope<RegionCommand>> fromOperators(FailoverCommandEnvelope e) {
        if (e.getPayload() instanceof RegionFailoverDecision d) {
            var meta = EnvelopeMeta.fromAvro(e.getMetadata());
            return List.of(new Envelope<>(meta, new RegionCommand.Decide(d.getAction(), d.getOperator(), d.getNote(),
                    meta.occurredAt(), meta.eventId())));
        }
        return List.of();
    }

    /** An operator's planned switchover, for the instance stage (keyed by instance id). */
    public static List<Envelope<FailoverCommand>> fromSwitchoverRequests(FailoverCommandEnvelope e) {
        if (e.getPayload() instanceof SwitchoverRequested r) {
            return one(e.getMetadata(), new FailoverCommand.RequestSwitchover(r.getInstanceId(), r.getRequestId(),
                    r.getTargetNodeId(), r.getOperator(), r.getNote()));
        }
        return List.of();
    }

    /** The region of a decision (its record key must be that region). */
    public static Optional<String> regionOf(FailoverCommandEnvelope e) {
        return e.getPayload() instanceof RegionFailoverDecision d ? Optional.of(d.getRegion()) : Optional.empty();
    }

    private static List<Envelope<FailoverCommand>> one(io.datastores.events.EventMetadata m, FailoverCommand c) {
        return List.of(new Envelope<>(EnvelopeMeta.fromAvro(m), c));
    }
}
