package io.datastores.failover.mapping;

import java.util.List;

import io.datastores.events.InstanceDeleted;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceReady;
import io.datastores.events.NodeAlertEnvelope;
import io.datastores.events.NodeDiagnosticsReported;
import io.datastores.events.NodeFailed;
import io.datastores.events.NodeHeartbeat;
import io.datastores.events.NodeTelemetryEnvelope;
import io.datastores.failover.domain.HealthSignal;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.streams.EnvelopeMeta;

/** The contract's events as failover-service's health signals. */
public final class HealthMapping {

    private HealthMapping() {
    }

    public static List<Envelope<HealthSignal>> fromInstanceEvent(InstanceEventEnvelope e) {
        Object p = e.getPayload();
        HealthSignal signal;
        if (p instanceof InstanceReady r) {
            signal = new HealthSignal.NodesPlanned(r.getNodes().stream()
                    .map(n -> new HealthSignal.Planned(n.getNodeId(), n.getRole().name(), n.getZone())).toList());
        } else if (p instanceof InstanceDeleted) {
            signal = new HealthSignal.Deleted();
        } else {
            return List.of();
        }
        return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()), signal));
    }

    public static List<Envelope<HealthSignal>> fromTelemetry(NodeTelemetryEnvelope e) {
        Object p = e.getPayload();
        HealthSignal signal;
        if (p instanceof NodeHeartbeat h) {
            signal = new HealthSignal.Heartbeat(h.getNodeId(), h.getRole().name(), h.getReplicationPosition(),
                    h.getEpoch());
        } else if (p instanceof NodeDiagnosticsReported d) {
            signal = new HealthSignal.Diagnostics(d.getNodeId(), d.getSeverity().name(), d.getDetail());
        } else {
            return List.of();
        }
        return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()), signal));
    }

    public static List<Envelope<HealthSignal>> fromAlert(NodeAlertEnvelope e) {
        if (e.getPayload() instanceof NodeFailed f) {
            return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()),
                    new HealthSignal.Reported(f.getNodeId(), f.getReason())));
        }
        return List.of();
    }
}
