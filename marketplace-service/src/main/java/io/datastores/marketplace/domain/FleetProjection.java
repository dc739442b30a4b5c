package io.datastores.marketplace.domain;

import java.util.ArrayList;
import java.util.List;

import io.datastores.kit.decider.EventMeta;
import io.datastores.kit.decider.Projection;
import io.datastores.marketplace.domain.InstanceView.Access;
import io.datastores.marketplace.domain.InstanceView.FailoverKind;
import io.datastores.marketplace.domain.InstanceView.FailoverView;
import io.datastores.marketplace.domain.InstanceView.NodeRole;
import io.datastores.marketplace.domain.InstanceView.NodeView;
import io.datastores.marketplace.domain.InstanceView.Outcome;
import io.datastores.marketplace.domain.InstanceView.Progress;
import io.datastores.marketplace.domain.InstanceView.Status;

/**
 * The fleet view: one {@link InstanceView} per instance, folded from provisioning's events,
 * failover-service's failovers and planned switchovers (with rejoined nodes, cancelled replacements
 * and measured losses) and backup-service's restore windows. An instance enters the view when
 * accepted; a fact about an instance the view never saw accepted changes nothing.
 */
public final class FleetProjection implements Projection<InstanceFact, InstanceView> {

    @Override
    public InstanceView initial(String key) {
        return null;
    }

    @Override
    public InstanceView apply(InstanceView v, InstanceFact fact, EventMeta meta) {
        if (fact instanceof InstanceFact.Accepted a) {
            if (v != null) {
                return v; // accepted once; a replayed acceptance changes nothing
            }
            return new InstanceView(a.instanceId(), new Offering(a.organizationId(), a.displayName(), a.engine(),
                    a.cloud(), a.region(), a.plan()), a.catalogVersion(), Status.PROVISIONING, null,
                    Access.NONE.withServiceHost(a.serviceHost()), List.of(), null, null, meta.occurredAt());
        }
        if (v == null) {
            return null;
        }
        if (fact instanceof InstanceFact.NodeRequested n) {
            if (v.nodes().stream().anyMatch(x -> x.nodeId().equals(n.nodeId()))) {
                return v;
            }
            List<NodeView> nodes = new ArrayList<>(v.nodes());
            nodes.add(new NodeView(n.nodeId(), n.role(), n.zone(), null, null));
            return withNodes(v, nodes, meta);
        }
        if (fact instanceof InstanceFact.Ready r) {
            return new InstanceView(v.instanceId(), v.offering(), r.catalogVersion(), Status.READY,
                    v.failureReason(), new Access(v.access().serviceHost(), r.port(), v.access().tlsRequired(),
                            r.connectionLimit(), r.allowlist(), r.commandPolicy(), r.endpointAddress()),
                    List.copyOf(r.nodes()), v.backupWindow(), v.failover(), updated(v, meta));
        }
        if (fact instanceof InstanceFact.Failed f) {
            return new InstanceView(v.instanceId(), v.offering(), v.catalogVersion(), Status.FAILED, f.reason(),
                    v.access(), v.nodes(), v.backupWindow(), v.failover(), updated(v, meta));
        }
        if (fact instanceof InstanceFact.PlanChanged p) {
            return new InstanceView(v.instanceId(), v.offering().withPlan(p.plan()), p.catalogVersion(), v.status(),
                    v.failureReason(), v.access().withLimit(p.connectionLimit()),
                    List.copyOf(v.nodes().subList(0, Math.min(v.nodes().size(), p.nodeCount()))), v.backupWindow(),
                    v.failover(), updated(v, meta));
        }
        if (fact instanceof InstanceFact.AllowlistChanged a) {
            return new InstanceView(v.instanceId(), v.offering(), v.catalogVersion(), v.status(), v.failureReason(),
                    v.access().withAllowlist(a.allowlist()), v.nodes(), v.backupWindow(), v.failover(),
                    updated(v, meta));
        }
        if (fact instanceof InstanceFact.Suspended || fact instanceof InstanceFact.Resumed) {
            return withStatus(v, fact instanceof InstanceFact.Suspended ? Status.SUSPENDED : Status.READY, meta);
        }
        if (fact instanceof InstanceFact.RestoreWindow r) {
            return new InstanceView(v.instanceId(), v.offering(), v.catalogVersion(), v.status(), v.failureReason(),
                    v.access(), v.nodes(), r.window(), v.failover(), updated(v, meta));
        }
        if (fact instanceof InstanceFact.FailoverStarted f) {
            return withFailover(v, new FailoverView(f.failoverId(), f.kind(), Progress.IN_PROGRESS, f.failedNodeId(),
                    f.failedAt(), null, Outcome.NONE), v.nodes(), meta);
        }
        if (fact instanceof InstanceFact.Promoted p) {
            // a switchover's old primary follows the new one; a failover's was lost
            boolean planned = v.failover() != null && p.failoverId() != null
                    && p.failoverId().equals(v.failover().failoverId())
                    && v.failover().kind() == FailoverKind.SWITCHOVER;
            NodeRole previous = planned ? NodeRole.STANDBY : NodeRole.LOST;
            List<NodeView> nodes = v.nodes().stream().map(n -> n.nodeId().equals(p.nodeId())
                    ? new NodeView(n.nodeId(), NodeRole.PRIMARY, n.zone(), n.host(), n.ip())
                    : n.role() == NodeRole.PRIMARY ? new NodeView(n.nodeId(), previous, n.zone(), n.host(), n.ip()) : n)
                    .toList();
            return withFailover(v, v.failover(), nodes, meta);
        }
        if (fact instanceof InstanceFact.FailoverCompleted c) {
            FailoverView f = v.failover();
            boolean same = f != null && c.failoverId().equals(f.failoverId());
            return withFailover(v, new FailoverView(c.failoverId(), f == null ? null : f.kind(),
                    Progress.COMPLETED, f == null ? null : f.failedNodeId(), f == null ? null : f.failedAt(), c.note(),
                    new Outcome(c.completedAt(), c.detectionMillis(), c.promotionMillis(), c.unavailableMillis(),
                            c.dataLossBytes(), c.dataLossWindowMillis(),
                            same ? f.outcome().measuredDataLossBytes() : null)), v.nodes(), meta);
        }
        if (fact instanceof InstanceFact.SwitchoverAborted a) {
            return isLast(v, a.switchoverId())
                    ? withFailover(v, v.failover().withState(Progress.ABORTED, a.reason()), v.nodes(), meta) : v;
        }
        if (fact instanceof InstanceFact.DataLossMeasured d) {
            return isLast(v, d.failoverId())
                    ? withFailover(v, v.failover().withMeasuredLoss(d.lostBytes()), v.nodes(), meta) : v;
        }
        if (fact instanceof InstanceFact.NodeRejoined j) {
            List<NodeView> nodes = new ArrayList<>(v.nodes().stream().map(n -> n.nodeId().equals(j.nodeId())
                    ? new NodeView(n.nodeId(), NodeRole.STANDBY, j.zone() != null ? j.zone() : n.zone(), n.host(),
                            j.ip() != null ? j.ip() : n.ip())
                    : n).toList());
            if (nodes.stream().noneMatch(n -> n.nodeId().equals(j.nodeId()))) {
                nodes.add(new NodeView(j.nodeId(), NodeRole.STANDBY, j.zone(), null, j.ip()));
            }
            return withFailover(v, v.failover(), nodes, meta);
        }
        if (fact instanceof InstanceFact.ReplacementCancelled c) {
            return withFailover(v, v.failover(), v.nodes().stream().filter(n -> !n.nodeId().equals(c.nodeId()))
                    .toList(), meta);
        }
        if (fact instanceof InstanceFact.NodeDecommissioned d) {
            return withNodes(v, v.nodes().stream().filter(n -> !n.nodeId().equals(d.nodeId())).toList(), meta);
        }
        if (fact instanceof InstanceFact.Deleted) {
            return withStatus(v, Status.DELETED, meta);
        }
        throw new IllegalStateException("no rule projects " + fact); // every fact has one above
    }

    /** Whether {@code failoverId} is the view's last failover. */
    private static boolean isLast(InstanceView v, String failoverId) {
        return v.failover() != null && v.failover().failoverId() != null
                && v.failover().failoverId().equals(failoverId);
    }

    private static InstanceView withStatus(InstanceView v, Status status, EventMeta meta) {
        return new InstanceView(v.instanceId(), v.offering(), v.catalogVersion(), status, v.failureReason(),
                v.access(), v.nodes(), v.backupWindow(), v.failover(), updated(v, meta));
    }

    private static InstanceView withNodes(InstanceView v, List<NodeView> nodes, EventMeta meta) {
        return new InstanceView(v.instanceId(), v.offering(), v.catalogVersion(), v.status(), v.failureReason(),
                v.access(), List.copyOf(nodes), v.backupWindow(), v.failover(), updated(v, meta));
    }

    /**
     * The latest event time of the events that changed the view: the largest, not the last applied,
     * since a rebuild reads the instance's and failover's topics in another interleaving than live.
     */
    private static java.time.Instant updated(InstanceView v, EventMeta meta) {
        return v.updatedAt() != null && v.updatedAt().isAfter(meta.occurredAt()) ? v.updatedAt() : meta.occurredAt();
    }

    private static InstanceView withFailover(InstanceView v, FailoverView f, List<NodeView> nodes,
            EventMeta meta) {
        return new InstanceView(v.instanceId(), v.offering(), v.catalogVersion(), v.status(), v.failureReason(),
                v.access(), List.copyOf(nodes), v.backupWindow(), f, updated(v, meta));
    }
}
