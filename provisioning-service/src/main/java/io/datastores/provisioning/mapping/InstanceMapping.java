package io.datastores.provisioning.mapping;

import java.util.List;
import java.util.Optional;

import io.datastores.events.AllowlistChangeRequested;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.InstanceDeletionRequested;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceRequestEnvelope;
import io.datastores.events.InstanceRequested;
import io.datastores.events.NodeInfo;
import io.datastores.events.NodeProvisioned;
import io.datastores.events.PlanChangeRequested;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.decider.EventMeta;
import io.datastores.kit.streams.EnvelopeMeta;
import io.datastores.provisioning.domain.Cloud;
import io.datastores.provisioning.domain.Engine;
import io.datastores.provisioning.domain.InstanceCommand;
import io.datastores.provisioning.domain.InstanceEvent;
import io.datastores.provisioning.domain.NodeRole;

/** Between the Avro contract and provisioning's domain. */
public final class InstanceMapping {

    private InstanceMapping() {
    }

    public static List<Envelope<InstanceCommand>> fromRequest(InstanceRequestEnvelope e) {
        EventMeta meta = EnvelopeMeta.fromAvro(e.getMetadata());
        Object p = e.getPayload();
        InstanceCommand command;
        if (p instanceof InstanceRequested r) {
            command = new InstanceCommand.RequestInstance(r.getRequestId(), r.getOrganizationId(),
                    r.getInstanceId(), r.getDisplayName(), Engine.valueOf(r.getEngine().name()),
                    Cloud.valueOf(r.getCloud().name()), r.getRegion(), r.getPlan(), r.getTlsRequired(),
                    List.copyOf(r.getAllowlist()), r.getScriptingEnabled());
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
        return List.of(new Envelope<>(meta, command));
    }

    /** Provisioning cares only for NodeProvisioned among the data plane's events. */
    public static List<Envelope<InstanceCommand>> fromDataPlane(DataPlaneEventEnvelope e) {
        if (e.getPayload() instanceof NodeProvisioned n) {
            return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()),
                    new InstanceCommand.RecordNodeProvisioned(n.getInstanceId(), n.getNodeId(), n.getHost(),
                            n.getIp(), n.getZone())));
        }
        return List.of();
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
                    .setNodeCount(a.nodeCount()).setServiceHost(a.serviceHost()).build();
        } else if (event instanceof InstanceEvent.Rejected r) {
            payload = io.datastores.events.InstanceRejected.newBuilder()
                    .setRequestId(r.requestId()).setOrganizationId(r.organizationId()).setInstanceId(r.instanceId())
                    .setCode(r.code().name()).setMessage(r.message()).build();
        } else if (event instanceof InstanceEvent.NodeRequested n) {
            payload = io.datastores.events.NodeProvisioningRequested.newBuilder()
                    .setInstanceId(n.instanceId()).setNodeId(n.nodeId()).setRole(role(n.role())).setZone(n.zone())
                    .setEngine(engine(n.engine())).setCloud(cloud(n.cloud())).setRegion(n.region())
                    .setPlan(n.plan()).setEpoch(n.epoch()).build();
        } else if (event instanceof InstanceEvent.Ready r) {
            payload = io.datastores.events.InstanceReady.newBuilder()
                    .setOrganizationId(r.organizationId()).setInstanceId(r.instanceId())
                    .setServiceHost(r.serviceHost()).setPort(r.port()).setTlsRequired(r.tlsRequired())
                    .setConnectionLimit(r.connectionLimit()).setAllowlist(r.allowlist())
                    .setNodes(r.nodes().stream().map(n -> new NodeInfo(n.nodeId(), role(n.role()), n.zone(),
                            n.host(), n.ip())).toList())
                    .setCommandPolicy(r.commandPolicy() == null ? null : new io.datastores.events.CommandPolicy(
                            r.commandPolicy().disabledCommands(), r.commandPolicy().scriptingEnabled()))
                    .setCatalogVersion(r.catalogVersion()).build();
        } else if (event instanceof InstanceEvent.PlanChanged c) {
            payload = new io.datastores.events.PlanChanged(c.organizationId(), c.instanceId(), c.fromPlan(),
                    c.toPlan(), c.nodeCount(), c.connectionLimit(), c.catalogVersion());
        } else if (event instanceof InstanceEvent.AllowlistChanged a) {
            payload = new io.datastores.events.AllowlistChanged(a.organizationId(), a.instanceId(), a.allowlist());
        } else if (event instanceof InstanceEvent.Deleted d) {
            payload = new io.datastores.events.InstanceDeleted(d.organizationId(), d.instanceId());
        } else {
            payload = null; // NodeRecorded: internal
        }
        return Optional.ofNullable(payload)
                .map(p -> new InstanceEventEnvelope(EnvelopeMeta.toAvro(e.meta()), p));
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
