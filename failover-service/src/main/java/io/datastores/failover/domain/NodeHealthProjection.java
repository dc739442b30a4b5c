package io.datastores.failover.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import io.datastores.failover.domain.NodeHealthView.NodeHealth;
import io.datastores.kit.decider.EventMeta;
import io.datastores.kit.decider.Projection;

/**
 * Folds heartbeats, diagnostics and failure reports into the health of each node, on event time.
 * Detection and promotion decide on this view (issue 4). A signal about a node provisioning never
 * planned is kept too: the data plane may know a node before provisioning's event arrives.
 */
public final class NodeHealthProjection implements Projection<HealthSignal, NodeHealthView> {

    @Override
    public NodeHealthView initial(String key) {
        return new NodeHealthView(key, false, List.of());
    }

    @Override
    public NodeHealthView apply(NodeHealthView v, HealthSignal signal, EventMeta meta) {
        if (signal instanceof HealthSignal.NodesPlanned p) {
            NodeHealthView out = v;
            for (HealthSignal.Planned n : p.nodes()) {
                out = update(out, n.nodeId(), h -> new NodeHealth(h.nodeId(), n.role(), n.zone(), h.lastHeartbeatAt(),
                        h.position(), h.epoch(), h.lastSeverity(), h.lastProblem()));
            }
            return out;
        }
        if (signal instanceof HealthSignal.Heartbeat b) {
            return update(v, b.nodeId(), h -> h.lastHeartbeatAt() != null && h.lastHeartbeatAt().isAfter(meta.occurredAt())
                    ? h // an older heartbeat arriving late changes nothing
                    : new NodeHealth(h.nodeId(), b.role(), h.zone(), meta.occurredAt(), b.position(), b.epoch(),
                            h.lastSeverity(), h.lastProblem()));
        }
        if (signal instanceof HealthSignal.Diagnostics d) {
            return update(v, d.nodeId(), h -> new NodeHealth(h.nodeId(), h.role(), h.zone(), h.lastHeartbeatAt(),
                    h.position(), h.epoch(), d.severity(), d.detail()));
        }
        if (signal instanceof HealthSignal.Reported r) {
            return update(v, r.nodeId(), h -> new NodeHealth(h.nodeId(), h.role(), h.zone(), h.lastHeartbeatAt(),
                    h.position(), h.epoch(), "SEVERE", r.reason()));
        }
        return new NodeHealthView(v.instanceId(), true, v.nodes());
    }

    private static NodeHealthView update(NodeHealthView v, String nodeId, UnaryOperator<NodeHealth> change) {
        List<NodeHealth> nodes = new ArrayList<>(v.nodes());
        int i = 0;
        while (i < nodes.size() && !nodes.get(i).nodeId().equals(nodeId)) {
            i++;
        }
        NodeHealth before = i < nodes.size() ? nodes.get(i) : new NodeHealth(nodeId, null, null, null, 0, 0, null, null);
        NodeHealth after = change.apply(before);
        if (i < nodes.size()) {
            nodes.set(i, after);
        } else {
            nodes.add(after);
        }
        return new NodeHealthView(v.instanceId(), v.deleted(), List.copyOf(nodes));
    }
}
