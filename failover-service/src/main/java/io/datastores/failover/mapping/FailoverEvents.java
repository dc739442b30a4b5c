package io.datastores.failover.mapping;

import java.util.List;
import java.util.Optional;

import org.apache.kafka.streams.KeyValue;

import io.datastores.events.DataLossMeasured;
import io.datastores.events.EndpointMoved;
import io.datastores.events.FailoverBlocked;
import io.datastores.events.FailoverCompleted;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.FailoverStarted;
import io.datastores.events.EventMetadata;
import io.datastores.events.HeardUpTo;
import io.datastores.events.NodeTelemetryEnvelope;
import io.datastores.events.NodeFailed;
import io.datastores.events.NodeFenced;
import io.datastores.events.NodeLossConfirmed;
import io.datastores.events.NodeRecovered;
import io.datastores.events.NodeRejoined;
import io.datastores.events.NodeRestartRequested;
import io.datastores.events.NodeRole;
import io.datastores.events.NodeSuspected;
import io.datastores.events.NodeSuspicionDismissed;
import io.datastores.events.RegionCommandRejected;
import io.datastores.events.RegionFailoverPaused;
import io.datastores.events.RegionFailoverResumed;
import io.datastores.events.ReplacementCancelled;
import io.datastores.events.ReplacementNodeRequested;
import io.datastores.events.RestoreRequested;
import io.datastores.events.StaleSignalIgnored;
import io.datastores.events.StandbyPromoted;
import io.datastores.events.SwitchoverAborted;
import io.datastores.events.SwitchoverRejected;
import io.datastores.events.SwitchoverStarted;
import io.datastores.failover.domain.FailoverEvent;
import io.datastores.failover.domain.RegionCommand;
import io.datastores.failover.domain.RegionEvent;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.decider.EventMeta;
import io.datastores.kit.streams.EnvelopeMeta;

/** failover's decisions as the contract's events (outbound), and the signals for the region's guard. */
public final class FailoverEvents {

    private FailoverEvents() {
    }

    /**
     * The instance stage's mark of its heard time as the telemetry record it writes into its own
     * partition of {@code dcp.node-telemetry}; empty for every other event.
     */
    public static Optional<NodeTelemetryEnvelope> toMark(Envelope<FailoverEvent> e) {
        if (!(e.body() instanceof FailoverEvent.HeardUpTo mark)) {
            return Optional.empty();
        }
        EventMeta meta = e.meta();
        EventMetadata metadata = EventMetadata.newBuilder().setEventId(meta.eventId())
                .setCorrelationId(meta.correlationId() != null ? meta.correlationId() : meta.eventId())
                .setCausationId(null).setOccurredAt(mark.upTo()).setProducer(meta.producer()).build();
        return Optional.of(new NodeTelemetryEnvelope(metadata, new HeardUpTo(mark.partition(), mark.upTo())));
    }

    /** The published form of an instance's event, or empty for those that only change state. */
    public static Optional<FailoverEventEnvelope> toAvro(String instanceId, Envelope<FailoverEvent> e) {
        Object payload = payload(instanceId, e.body());
        return payload == null ? Optional.empty()
                : Optional.of(new FailoverEventEnvelope(EnvelopeMeta.toAvro(e.meta()), payload));
    }

    private static Object payload(String id, FailoverEvent event) {
        if (event instanceof FailoverEvent.Suspected s) {
            return new NodeSuspected(id, s.nodeId(), s.region(), s.lastHeartbeatAt(), s.silentMillis());
        }
        if (event instanceof FailoverEvent.Recovered r) {
            return new NodeRecovered(id, r.nodeId());
        }
        if (event instanceof FailoverEvent.Lost l) {
            return new NodeFailed(id, l.nodeId(), l.reason(), l.detectedBy().name(), l.epoch());
        }
        if (event instanceof FailoverEvent.RestartRequested r) {
            return new NodeRestartRequested(id, r.nodeId(), r.epoch(), r.detail());
        }
        if (event instanceof FailoverEvent.Started s) {
            return new FailoverStarted(id, s.failedNodeId(), s.reason(), s.failoverId(), s.kind().name(),
                    s.detectedBy().name(), s.failedAt(), s.epoch());
        }
        if (event instanceof FailoverEvent.Blocked b) {
            return new FailoverBlocked(id, b.failoverId(), b.reason(), b.waitUntil());
        }
        if (event instanceof FailoverEvent.Promoted p) {
            return new StandbyPromoted(id, p.nodeId(), p.epoch(), p.position(), p.failoverId(), p.previousPrimary(),
                    p.lagBytes());
        }
        if (event instanceof FailoverEvent.EndpointMoved m) {
            return new EndpointMoved(id, m.serviceHost(), String.valueOf(m.fromIp()), String.valueOf(m.toIp()),
                    m.failoverId());
        }
        if (event instanceof FailoverEvent.ReplacementRequested r) {
            // a node known only from its heartbeats (the data plane before provisioning's event) has no zone
            // yet: "" asks for any, where a null would fail the contract and stop the task at every retry
            return new ReplacementNodeRequested(id, r.replacesNodeId(), r.nodeId(), NodeRole.valueOf(r.role().name()),
                    r.zone() == null ? "" : r.zone(), r.epoch(), r.failoverId() == null ? "" : r.failoverId(), String.valueOf(r.region()));
        }
        if (event instanceof FailoverEvent.RestoreRequested r) {
            return new RestoreRequested(id, r.nodeId(), r.backupId(), r.targetPosition(), r.failoverId(),
                    r.restorePointAt(), r.epoch());
        }
        if (event instanceof FailoverEvent.Completed c) {
            return FailoverCompleted.newBuilder().setInstanceId(id).setPrimaryNodeId(c.primaryNodeId())
                    .setEpoch(c.epoch()).setDetectionMillis(c.detectionMillis())
                    .setPromotionMillis(c.promotionMillis()).setEstimatedDataLossBytes(c.dataLossBytes())
                    .setFailoverId(c.failoverId()).setKind(c.kind().name()).setFailedAt(c.failedAt())
                    .setCompletedAt(c.completedAt()).setUnavailableMillis(c.unavailableMillis())
                    .setDataLossWindowMillis(c.dataLossWindowMillis()).setNote(c.note()).build();
        }
        if (event instanceof FailoverEvent.Fenced f) {
            return new NodeFenced(id, f.nodeId(), f.nodeEpoch(), f.currentEpoch(), f.reason());
        }
        if (event instanceof FailoverEvent.Ignored i) {
            return new StaleSignalIgnored(id, i.nodeId(), i.signal(), i.signalEpoch(), i.currentEpoch(), i.reason());
        }
        return switchoverPayload(id, event);
    }

    /** The published form of planned switchovers, rejoined nodes and measured losses; null for the rest. */
    private static Object switchoverPayload(String id, FailoverEvent event) {
        if (event instanceof FailoverEvent.SwitchoverStarted s) {
            return new SwitchoverStarted(id, s.switchoverId(), s.fromNodeId(), s.toNodeId(), s.epoch(),
                    s.requestedBy(), s.requestId());
        }
        if (event instanceof FailoverEvent.SwitchoverAborted a) {
            return new SwitchoverAborted(id, a.switchoverId(), a.reason());
        }
        if (event instanceof FailoverEvent.SwitchoverRejected r) {
            return new SwitchoverRejected(id, r.requestId(), r.reason());
        }
        if (event instanceof FailoverEvent.NodeRejoined j) {
            return new NodeRejoined(id, j.nodeId(), j.epoch(), j.ip(), j.zone());
        }
        if (event instanceof FailoverEvent.ReplacementCancelled c) {
            return new ReplacementCancelled(id, c.nodeId(), c.replacesNodeId(), c.epoch(), c.reason());
        }
        if (event instanceof FailoverEvent.DataLossMeasured d) {
            return new DataLossMeasured(id, d.failoverId(), d.nodeId(), d.lostBytes(), d.divergedAt(),
                    d.estimatedBytes());
        }
        return null;
    }

    /** What the region's guard must hear of an instance's event, keyed by region. */
    public static List<KeyValue<String, Envelope<RegionCommand>>> toRegion(String instanceId,
            Envelope<FailoverEvent> e) {
        FailoverEvent event = e.body();
        if (event instanceof FailoverEvent.RegionNodes n) {
            return List.of(KeyValue.pair(n.region(), new Envelope<>(e.meta(),
                    new RegionCommand.Count(n.delta(), e.meta().occurredAt(), e.meta().eventId()))));
        }
        if (event instanceof FailoverEvent.Suspected s && s.region() != null) {
            return List.of(KeyValue.pair(s.region(),
                    new Envelope<>(e.meta(), new RegionCommand.Suspect(instanceId, s.nodeId(), e.meta().occurredAt(), e.meta().eventId()))));
        }
        if (event instanceof FailoverEvent.Recovered r && r.region() != null) {
            return List.of(KeyValue.pair(r.region(),
                    new Envelope<>(e.meta(), new RegionCommand.Recover(instanceId, r.nodeId(), e.meta().occurredAt(), e.meta().eventId()))));
        }
        return List.of();
    }

    /** The published form of a region's event, keyed by instance (verdicts) or by region. */
    public static List<KeyValue<String, FailoverEventEnvelope>> regionToAvro(String region, Envelope<RegionEvent> e) {
        RegionEvent event = e.body();
        Object payload;
        String key = region;
        if (event instanceof RegionEvent.LossConfirmed c) {
            payload = new NodeLossConfirmed(c.instanceId(), c.nodeId(), region, c.reason());
            key = c.instanceId();
        } else if (event instanceof RegionEvent.SuspicionDismissed d) {
            payload = new NodeSuspicionDismissed(d.instanceId(), d.nodeId(), region, d.reason());
            key = d.instanceId();
        } else if (event instanceof RegionEvent.Paused p) {
            payload = new RegionFailoverPaused(region, p.silentNodes(), p.monitoredNodes(), p.reason());
        } else if (event instanceof RegionEvent.Resumed r) {
            payload = new RegionFailoverResumed(region, r.action().name(), r.by(), r.reason());
        } else if (event instanceof RegionEvent.CommandRejected r) {
            payload = new RegionCommandRejected(region, r.action(), r.reason());
        } else {
            return List.of();
        }
        return List.of(KeyValue.pair(key, new FailoverEventEnvelope(EnvelopeMeta.toAvro(e.meta()), payload)));
    }
}
