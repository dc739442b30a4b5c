package io.datastores.provisioning.mapping;

import java.util.List;
import java.util.Optional;

import io.datastores.events.AllowlistChangeRequested;
import io.datastores.events.BillingEventEnvelope;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.InstanceAccepted;
import io.datastores.events.InstanceDeleted;
import io.datastores.events.InstanceDeletionRequested;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceRejected;
import io.datastores.events.InstanceRequestEnvelope;
import io.datastores.events.InstanceRequested;
import io.datastores.events.NodeInfo;
import io.datastores.events.NodeProvisioned;
import io.datastores.events.NodeProvisioningFailed;
import io.datastores.events.NodeRejoined;
import io.datastores.events.OrganizationTierChanged;
import io.datastores.events.PlanChangeRequested;
import io.datastores.events.PlanChanged;
import io.datastores.events.ReplacementCancelled;
import io.datastores.events.ReplacementNodeRequested;
import io.datastores.events.StandbyPromoted;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.decider.EventMeta;
import io.datastores.kit.streams.EnvelopeMeta;
import io.datastores.provisioning.domain.Cloud;
import io.datastores.provisioning.domain.Engine;
import io.datastores.provisioning.domain.InstanceCommand;
import io.datastores.provisioning.domain.InstanceEvent;
import io.datastores.provisioning.domain.NodeRole;
import io.datastores.provisioning.domain.OrganizationCommand;
import io.datastores.provisioning.domain.OrganizationCommand.Outcome;
import io.datastores.provisioning.domain.OrganizationEvent;
import io.datastores.provisioning.domain.OrganizationTier;

/** Between the Avro contract and provisioning's domain. */
public final class InstanceMapping {

    private InstanceMapping() {
    }

    /** The organization a request is about (the key of the organization stage). */
    public static String organizationOf(InstanceRequestEnvelope e) {
        return EnvelopeMeta.payloadField(e, "organizationId").orElse("");
    }

    public static List<Envelope<OrganizationCommand>> screen(InstanceRequestEnvelope e) {
        EventMeta meta = EnvelopeMeta.fromAvro(e.getMetadata());
        Object p = e.getPayload();
        InstanceCommand command;
        if (p instanceof InstanceRequested r) {
            command = new InstanceCommand.RequestInstance(r.getRequestId(), r.getOrganizationId(),
                    r.getInstanceId(), r.getDisplayName(), engine(r.getEngine()), cloud(r.getCloud()), r.getRegion(),
                    r.getPlan(), r.getTlsRequired(), List.copyOf(r.getAllowlist()), r.getScriptingEnabled(), null);
        } else if (p instanceof PlanChangeRequested c) {
            command = new InstanceCommand.ChangePlan(c.getRequestId(), c.getOrganizationId(), c.getInstanceId(),
                    c.getPlan());
        } else if (p instanceof AllowlistChangeRequested a) {
            command = new InstanceCommand.ChangeAllowlist(a.getRequestId(), a.getOrganizationId(),
                    a.getInstanceId(), List.copyOf(a.getAllowlist()));
        } else if (p instanceof InstanceDeletionRequested d) {
            command = new InstanceCommand.DeleteInstance(d.getRequestId(), d.getOrganizationId(),
                    d.getInstanceId());
        } else {
            throw new IllegalArgumentException("not an instance request: " + p);
        }
        return List.of(new Envelope<>(meta, new OrganizationCommand.Screen(command)));
    }

    public static List<Envelope<OrganizationCommand>> fromBilling(BillingEventEnvelope e) {
        if (e.getPayload() instanceof OrganizationTierChanged t) {
            OrganizationTier tier = t.getTier() == io.datastores.events.OrganizationTier.PAID
                    ? OrganizationTier.PAID : OrganizationTier.FREE;
            return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()),
                    new OrganizationCommand.ChangeTier(t.getOrganizationId(), tier)));
        }
        return List.of();
    }

    /** Provisioning's own decisions that the organization stage must know, keyed by organization. */
    public static Optional<String> outcomeOrganization(InstanceEventEnvelope e) {
        Object p = e.getPayload();
        String org = p instanceof InstanceAccepted a ? a.getOrganizationId()
                : p instanceof InstanceRejected r ? r.getOrganizationId()
                : p instanceof InstanceDeleted d ? d.getOrganizationId()
                : p instanceof PlanChanged c ? c.getOrganizationId() : null;
        return org == null || org.isBlank() ? Optional.empty() : Optional.of(org);
    }

    public static List<Envelope<OrganizationCommand>> outcome(InstanceEventEnvelope e) {
        Object p = e.getPayload();
        OrganizationCommand.RecordOutcome outcome;
        if (p instanceof InstanceAccepted a) {
            outcome = new OrganizationCommand.RecordOutcome(Outcome.ACCEPTED, a.getInstanceId(), a.getRequestId(),
                    a.getPlan(), a.getTrialEndsAt() != null);
        } else if (p instanceof InstanceRejected r) {
            outcome = new OrganizationCommand.RecordOutcome(Outcome.REJECTED, r.getInstanceId(), r.getRequestId(),
                    null, false);
        } else if (p instanceof InstanceDeleted d) {
            outcome = new OrganizationCommand.RecordOutcome(Outcome.DELETED, d.getInstanceId(), null, null, false);
        } else if (p instanceof PlanChanged c) {
            outcome = new OrganizationCommand.RecordOutcome(Outcome.PLAN_CHANGED, c.getInstanceId(), null,
                    c.getToPlan(), false);
        } else {
            return List.of();
        }
        return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()), outcome));
    }

    /** Provisioning cares for nodes up (NodeProvisioned) and nodes that could not be started. */
    public static List<Envelope<InstanceCommand>> fromDataPlane(DataPlaneEventEnvelope e) {
        if (e.getPayload() instanceof NodeProvisioned n) {
            return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()),
                    new InstanceCommand.RecordNodeProvisioned(n.getInstanceId(), n.getNodeId(), n.getHost(),
                            n.getIp(), n.getZone(), n.getEndpointAddress(), n.getEndpointPort())));
        }
        if (e.getPayload() instanceof NodeProvisioningFailed f) {
            return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()),
                    new InstanceCommand.RecordProvisioningFailure(f.getInstanceId(), f.getNodeId(), f.getAttempt(),
                            f.getReason(), f.getRetryable())));
        }
        return List.of();
    }

    /** failover's replacements, promotions, rejoined nodes and cancelled replacements: the instance's nodes. */
    public static List<Envelope<InstanceCommand>> fromFailover(FailoverEventEnvelope e) {
        Object p = e.getPayload();
        InstanceCommand c;
        if (p instanceof ReplacementNodeRequested r) {
            c = new InstanceCommand.RecordReplacement(r.getInstanceId(), r.getReplacesNodeId(), r.getNodeId(),
                    NodeRole.valueOf(r.getRole().name()), r.getZone(), r.getEpoch());
        } else if (p instanceof StandbyPromoted sp) {
            c = new InstanceCommand.RecordPromotion(sp.getInstanceId(), sp.getNodeId(), sp.getEpoch());
        } else if (p instanceof NodeRejoined j) {
            c = new InstanceCommand.RecordRejoin(j.getInstanceId(), j.getNodeId(), j.getEpoch(), j.getIp(),
                    j.getZone());
        } else if (p instanceof ReplacementCancelled rc) {
            c = new InstanceCommand.RecordCancellation(rc.getInstanceId(), rc.getNodeId(), rc.getReplacesNodeId(),
                    rc.getEpoch());
        } else {
            return List.of();
        }
        return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()), c));
    }

    /** What the organization stage passes on to an instance, keyed by instance id. */
    public static Optional<Envelope<InstanceCommand>> toInstance(Envelope<OrganizationEvent> e) {
        if (e.body() instanceof OrganizationEvent.Admitted a) {
            return Optional.of(new Envelope<>(e.meta(), a.command()));
        }
        if (e.body() instanceof OrganizationEvent.TrialLifted l) {
            return Optional.of(new Envelope<>(e.meta(), new InstanceCommand.LiftTrial(l.organizationId(),
                    l.instanceId())));
        }
        return Optional.empty();
    }

    /** A refusal of the organization stage, as the instance event callers read. */
    public static Optional<InstanceEventEnvelope> refusal(Envelope<OrganizationEvent> e) {
        if (e.body() instanceof OrganizationEvent.Refused r) {
            return toAvro(new Envelope<>(e.meta(), new InstanceEvent.Rejected(r.requestId(), r.organizationId(),
                    r.instanceId(), r.code(), r.message())));
        }
        return Optional.empty();
    }

    /** The public event, or empty for internal ones. */
    public static Optional<InstanceEventEnvelope> toAvro(Envelope<InstanceEvent> e) {
        InstanceEvent event = e.body();
        Object payload;
        if (event instanceof InstanceEvent.Accepted a) {
            payload = io.datastores.events.InstanceAccepted.newBuilder()
                    .setRequestId(a.requestId()).setOrganizationId(a.organizationId()).setInstanceId(a.instanceId())
                    .setDisplayName(a.displayName()).setEngine(engine(a.engine())).setCloud(cloud(a.cloud()))
                    .setRegion(a.region()).setPlan(a.plan()).setCatalogVersion(a.catalogVersion())
                    .setNodeCount(a.nodeCount()).setServiceHost(a.serviceHost()).setTrialEndsAt(a.trialEndsAt())
                    .setBackupRetentionDays(a.backupRetentionDays()).setBackupMode(a.backupMode().name())
                    .setAllowlist(a.allowlist()).setConnectionLimit(a.connectionLimit())
                    .setTier(tier(a.tier())).build();
        } else if (event instanceof InstanceEvent.Rejected r) {
            payload = io.datastores.events.InstanceRejected.newBuilder()
                    .setRequestId(r.requestId()).setOrganizationId(r.organizationId()).setInstanceId(r.instanceId())
                    .setCode(r.code().name()).setMessage(r.message()).build();
        } else if (event instanceof InstanceEvent.NodeRequested n) {
            payload = io.datastores.events.NodeProvisioningRequested.newBuilder()
                    .setInstanceId(n.instanceId()).setNodeId(n.nodeId()).setRole(role(n.role())).setZone(n.zone())
                    .setEngine(engine(n.engine())).setCloud(cloud(n.cloud())).setRegion(n.region())
                    .setPlan(n.plan()).setEpoch(n.epoch()).setAttempt(n.attempt()).build();
        } else if (event instanceof InstanceEvent.NodeDecommissioned d) {
            payload = new io.datastores.events.NodeDecommissionRequested(d.instanceId(), d.nodeId(), d.epoch());
        } else if (event instanceof InstanceEvent.Ready r) {
            payload = io.datastores.events.InstanceReady.newBuilder()
                    .setOrganizationId(r.organizationId()).setInstanceId(r.instanceId())
                    .setServiceHost(r.serviceHost()).setPort(r.port()).setTlsRequired(r.tlsRequired())
                    .setConnectionLimit(r.connectionLimit()).setAllowlist(r.allowlist())
                    .setNodes(r.nodes().stream().map(n -> new NodeInfo(n.nodeId(), role(n.role()), n.zone(),
                            n.host(), n.ip())).toList())
                    .setCommandPolicy(r.commandPolicy() == null ? null : new io.datastores.events.CommandPolicy(
                            r.commandPolicy().disabledCommands(), r.commandPolicy().scriptingEnabled()))
                    .setCatalogVersion(r.catalogVersion()).setEndpointAddress(r.endpointAddress()).build();
        } else if (event instanceof InstanceEvent.PlanChanged c) {
            payload = io.datastores.events.PlanChanged.newBuilder().setOrganizationId(c.organizationId())
                    .setInstanceId(c.instanceId()).setFromPlan(c.fromPlan()).setToPlan(c.toPlan())
                    .setNodeCount(c.nodeCount()).setConnectionLimit(c.connectionLimit())
                    .setBackupRetentionDays(c.backupRetentionDays()).setBackupMode(c.backupMode().name())
                    .setCatalogVersion(c.catalogVersion()).setToTier(tier(c.toTier())).build();
        } else if (event instanceof InstanceEvent.AllowlistChanged a) {
            payload = new io.datastores.events.AllowlistChanged(a.organizationId(), a.instanceId(), a.allowlist());
        } else if (event instanceof InstanceEvent.Deleted d) {
            payload = new io.datastores.events.InstanceDeleted(d.organizationId(), d.instanceId());
        } else if (event instanceof InstanceEvent.TrialExpired t) {
            payload = new io.datastores.events.TrialExpired(t.organizationId(), t.instanceId(), t.trialEndedAt(),
                    "SUSPENDED");
        } else if (event instanceof InstanceEvent.Resumed r) {
            payload = new io.datastores.events.InstanceResumed(r.organizationId(), r.instanceId(), r.reason());
        } else if (event instanceof InstanceEvent.Failed f) {
            payload = new io.datastores.events.InstanceFailed(f.organizationId(), f.instanceId(), f.nodeId(),
                    f.reason());
        } else {
            payload = null; // NodeRecorded, TrialLifted, failures and rejoins kept in state: internal
        }
        return Optional.ofNullable(payload)
                .map(p -> new InstanceEventEnvelope(EnvelopeMeta.toAvro(e.meta()), p));
    }

    /** The plan's tier as the contract carries it (null: none known). */
    private static io.datastores.events.PlanTier tier(io.datastores.provisioning.domain.Tier t) {
        return t == null ? null : io.datastores.events.PlanTier.valueOf(t.name());
    }

    private static Engine engine(io.datastores.events.Engine e) {
        return e == io.datastores.events.Engine.UNKNOWN ? null : Engine.valueOf(e.name());
    }

    private static Cloud cloud(io.datastores.events.Cloud c) {
        return c == io.datastores.events.Cloud.UNKNOWN ? null : Cloud.valueOf(c.name());
    }

    private static io.datastores.events.Engine engine(Engine e) {
        return io.datastores.events.Engine.valueOf(e.name());
    }

    private static io.datastores.events.Cloud cloud(Cloud c) {
        return io.datastores.events.Cloud.valueOf(c.name());
    }

    private static io.datastores.events.NodeRole role(NodeRole r) {
        return io.datastores.events.NodeRole.valueOf(r.name());
    }
}
