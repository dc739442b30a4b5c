package io.datastores.marketplace.mapping;

import java.util.List;

import io.datastores.events.AllowlistChanged;
import io.datastores.events.DataLossMeasured;
import io.datastores.events.FailoverCompleted;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.FailoverStarted;
import io.datastores.events.InstanceAccepted;
import io.datastores.events.StandbyPromoted;
import io.datastores.events.InstanceDeleted;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceFailed;
import io.datastores.events.InstanceReady;
import io.datastores.events.InstanceResumed;
import io.datastores.events.NodeDecommissionRequested;
import io.datastores.events.NodeRejoined;
import io.datastores.events.ReplacementCancelled;
import io.datastores.events.SwitchoverAborted;
import io.datastores.events.SwitchoverStarted;
import io.datastores.events.TrialExpired;
import io.datastores.events.NodeProvisioningRequested;
import io.datastores.events.PlanChanged;
import io.datastores.events.RestorePointsEnvelope;
import io.datastores.events.RestoreWindowChanged;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.streams.EnvelopeMeta;
import io.datastores.marketplace.domain.InstanceFact;
import io.datastores.marketplace.domain.InstanceView;

/** Other services' events as the facts the fleet view folds. */
public final class FleetMapping {

    private FleetMapping() {
    }

    /** The contract's node role as the view's (the contract has no lost nodes; the view marks them). */
    static InstanceView.NodeRole role(io.datastores.events.NodeRole r) {
        return switch (r) {
            case PRIMARY -> InstanceView.NodeRole.PRIMARY;
            case STANDBY -> InstanceView.NodeRole.STANDBY;
        };
    }

    /** backup-service's window, as the fact the fleet view folds. */
    public static List<Envelope<InstanceFact>> fromRestorePoints(RestorePointsEnvelope e) {
        if (e.getPayload() instanceof RestoreWindowChanged w) {
            return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()), new InstanceFact.RestoreWindow(
                    w.getWindowStart() == null ? null : new InstanceView.BackupWindow(w.getWindowStart(),
                            w.getWindowEnd(), w.getRetentionDays(), w.getFullBackups().size()))));
        }
        return List.of();
    }

    /** failover-service's failovers and planned switchovers, as the facts the fleet view folds. */
    public static List<Envelope<InstanceFact>> fromFailoverEvent(FailoverEventEnvelope e) {
        Object p = e.getPayload();
        InstanceFact fact;
        if (p instanceof FailoverStarted s) {
            fact = new InstanceFact.FailoverStarted(s.getFailoverId(), InstanceView.FailoverKind.of(s.getKind()), s.getFailedNodeId(), s.getFailedAt());
        } else if (p instanceof SwitchoverStarted s) {
            fact = new InstanceFact.FailoverStarted(s.getSwitchoverId(), InstanceView.FailoverKind.SWITCHOVER, s.getFromNodeId(),
                    e.getMetadata().getOccurredAt());
        } else if (p instanceof StandbyPromoted sp) {
            fact = new InstanceFact.Promoted(sp.getNodeId(), sp.getFailoverId());
        } else if (p instanceof FailoverCompleted c) {
            fact = new InstanceFact.FailoverCompleted(c.getFailoverId(), c.getPrimaryNodeId(), c.getCompletedAt(),
                    c.getDetectionMillis(), c.getPromotionMillis(), c.getUnavailableMillis(),
                    c.getEstimatedDataLossBytes(), c.getDataLossWindowMillis(), c.getNote());
        } else if (p instanceof SwitchoverAborted a) {
            fact = new InstanceFact.SwitchoverAborted(a.getSwitchoverId(), a.getReason());
        } else if (p instanceof NodeRejoined j) {
            fact = new InstanceFact.NodeRejoined(j.getNodeId(), j.getZone(), j.getIp());
        } else if (p instanceof ReplacementCancelled c) {
            fact = new InstanceFact.ReplacementCancelled(c.getNodeId());
        } else if (p instanceof DataLossMeasured d) {
            fact = new InstanceFact.DataLossMeasured(d.getFailoverId(), d.getLostBytes());
        } else {
            return List.of();
        }
        return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()), fact));
    }

    public static List<Envelope<InstanceFact>> fromInstanceEvent(InstanceEventEnvelope e) {
        Object p = e.getPayload();
        InstanceFact fact;
        if (p instanceof InstanceAccepted a) {
            fact = new InstanceFact.Accepted(a.getInstanceId(), a.getOrganizationId(), a.getDisplayName(),
                    MarketplaceMapping.engine(a.getEngine()), MarketplaceMapping.cloud(a.getCloud()), a.getRegion(), a.getPlan(), a.getServiceHost(),
                    a.getCatalogVersion(), a.getNodeCount());
        } else if (p instanceof NodeProvisioningRequested n) {
            fact = new InstanceFact.NodeRequested(n.getNodeId(), role(n.getRole()), n.getZone());
        } else if (p instanceof InstanceReady r) {
            fact = new InstanceFact.Ready(r.getServiceHost(), r.getPort(), r.getTlsRequired(), r.getConnectionLimit(),
                    List.copyOf(r.getAllowlist()),
                    r.getNodes().stream().map(n -> new InstanceView.NodeView(n.getNodeId(), role(n.getRole()),
                            n.getZone(), n.getHost(), n.getIp())).toList(),
                    r.getCommandPolicy() == null ? null : new InstanceView.CommandPolicyView(
                            List.copyOf(r.getCommandPolicy().getDisabledCommands()),
                            r.getCommandPolicy().getScriptingEnabled()),
                    r.getCatalogVersion(), r.getEndpointAddress());
        } else if (p instanceof PlanChanged c) {
            fact = new InstanceFact.PlanChanged(c.getToPlan(), c.getNodeCount(), c.getConnectionLimit(),
                    c.getCatalogVersion());
        } else if (p instanceof AllowlistChanged a) {
            fact = new InstanceFact.AllowlistChanged(List.copyOf(a.getAllowlist()));
        } else if (p instanceof InstanceDeleted) {
            fact = new InstanceFact.Deleted();
        } else if (p instanceof InstanceFailed f) {
            fact = new InstanceFact.Failed(f.getNodeId(), f.getReason());
        } else if (p instanceof TrialExpired) {
            fact = new InstanceFact.Suspended();
        } else if (p instanceof InstanceResumed) {
            fact = new InstanceFact.Resumed();
        } else if (p instanceof NodeDecommissionRequested d) {
            fact = new InstanceFact.NodeDecommissioned(d.getNodeId());
        } else {
            return List.of(); // rejections change no instance of the fleet
        }
        return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()), fact));
    }
}
