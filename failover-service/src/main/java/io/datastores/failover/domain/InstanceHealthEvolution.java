package io.datastores.failover.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import io.datastores.failover.domain.FailoverCommand.PlannedNode;
import io.datastores.failover.domain.FailoverEvent.Blocked;
import io.datastores.failover.domain.FailoverEvent.Completed;
import io.datastores.failover.domain.FailoverEvent.EndpointMoved;
import io.datastores.failover.domain.FailoverEvent.Fenced;
import io.datastores.failover.domain.FailoverEvent.HeartbeatRecorded;
import io.datastores.failover.domain.FailoverEvent.Lost;
import io.datastores.failover.domain.FailoverEvent.MinorFailureRecorded;
import io.datastores.failover.domain.FailoverEvent.NodeDropped;
import io.datastores.failover.domain.FailoverEvent.NodesRecorded;
import io.datastores.failover.domain.FailoverEvent.PlanRecorded;
import io.datastores.failover.domain.FailoverEvent.Promoted;
import io.datastores.failover.domain.FailoverEvent.ReplacementRequested;
import io.datastores.failover.domain.FailoverEvent.ReplacementUp;
import io.datastores.failover.domain.FailoverEvent.RestorePointRecorded;
import io.datastores.failover.domain.FailoverEvent.RestoreRequested;
import io.datastores.failover.domain.FailoverEvent.Started;
import io.datastores.failover.domain.FailoverEvent.Suspected;
import io.datastores.failover.domain.FailoverEvent.SuspicionCleared;
import io.datastores.failover.domain.FailoverEvent.Tracked;
import io.datastores.failover.domain.FailoverEvent.Untracked;
import io.datastores.failover.domain.InstanceHealth.Failover;
import io.datastores.failover.domain.InstanceHealth.Node;
import io.datastores.failover.domain.InstanceHealth.Node.Heard;
import io.datastores.failover.domain.InstanceHealth.Node.Placement;
import io.datastores.failover.domain.InstanceHealth.Node.Stability;
import io.datastores.failover.domain.InstanceHealth.Status;

/**
 * The evolution of an instance's health: what each event changes of what failover remembers (its
 * nodes, the epoch, the failover in progress and its phases, the history). Pure; the only number it
 * needs is the window minor failures are counted in.
 */
final class InstanceHealthEvolution {

    private final FailoverPolicy policy;

    InstanceHealthEvolution(FailoverPolicy policy) {
        this.policy = policy;
    }

    InstanceHealth evolve(InstanceHealth s, FailoverEvent event) {
        if (event instanceof Tracked t) {
            return s.tracking(t.instanceId(), t.region(), t.plan(), t.tier(), t.nodeCount(),
                    t.serviceHost());
        }
        if (event instanceof PlanRecorded p) {
            return s.tracking(s.instanceId(), s.region(), p.plan(), p.tier(), p.nodeCount(),
                    s.serviceHost());
        }
        if (event instanceof FailoverEvent.NodeExpected x) {
            List<Node> nodes = new ArrayList<>(s.nodes());
            nodes.add(new Node(x.nodeId(), x.role(), new Placement(x.zone(), null), Status.PENDING,
                    null, null, s.epoch(), null));
            return s.withNodes(nodes);
        }
        if (event instanceof NodesRecorded r) {
            return nodesRecorded(s, r);
        }
        if (event instanceof NodeDropped d) {
            // a replacement dropped before it was up: none is coming for the node it replaced
            String replaced = s.node(d.nodeId()).map(Node::replacesNodeId).orElse(null);
            InstanceHealth after = s.without(d.nodeId()).withRetired(d.nodeId());
            return replaced == null ? after : after.forget(replaced);
        }
        if (event instanceof Untracked) {
            return s.untracked();
        }
        if (event instanceof FailoverEvent.Forgotten) {
            return InstanceHealth.initial();
        }
        if (event instanceof HeartbeatRecorded h) {
            return heard(s, h);
        }
        if (event instanceof MinorFailureRecorded m) {
            return s.withNode(m.nodeId(), n -> {
                List<Instant> minors = new ArrayList<>(n.minorFailures().stream()
                        .filter(t -> !t.isBefore(m.at().minus(policy.minorWindow()))).toList());
                minors.add(m.at());
                return n.withStability(new Stability(n.healthySince(), minors));
            });
        }
        if (event instanceof RestorePointRecorded p) {
            return s.withRestorePoint(new InstanceHealth.RestorePoint(p.lastArchivedAt(),
                    p.lastArchivedPosition(), p.latestBackupId()));
        }
        if (event instanceof ReplacementUp u) {
            // pending: watched from now; already heard: only its address is news
            InstanceHealth up = s.withNode(u.nodeId(), n -> n.status() != Status.PENDING
                    ? n.withPlacement(new Placement(u.zone() != null ? u.zone() : n.zone(),
                            u.ip() != null ? u.ip() : n.ip()))
                    : new Node(n.nodeId(), n.role(), new Placement(u.zone(), u.ip()), Status.HEALTHY,
                            new Heard(n.lastHeartbeatAt(), u.at(), n.position()),
                            new Stability(null, n.minorFailures()), n.epoch(), n.replacesNodeId()));
            // the node it replaces, if that one is lost, leaves the live nodes
            String replaced = up.node(u.nodeId()).map(Node::replacesNodeId).orElse(null);
            return replaced == null ? up : up.forget(replaced);
        }
        if (event instanceof SuspicionCleared c) {
            return s.withNode(c.nodeId(), n -> n.with(Status.HEALTHY)
                    .withHeard(new Heard(n.lastHeartbeatAt(), c.at(), n.position())));
        }
        if (event instanceof Suspected x) {
            return s.withNode(x.nodeId(), n -> n.with(Status.SUSPECTED));
        }
        if (event instanceof Lost l) {
            return s.withNode(l.nodeId(), n -> n.with(Status.LOST));
        }
        if (event instanceof Fenced f) {
            return s.fenced(f.nodeId());
        }
        return failovers(s, event);
    }

    private static InstanceHealth nodesRecorded(InstanceHealth s, NodesRecorded r) {
        List<Node> nodes = new ArrayList<>(s.nodes());
        List<Node> forgotten = new ArrayList<>(s.forgottenLost());
        for (PlannedNode p : r.nodes()) {
            Optional<Node> known = s.node(p.nodeId());
            if (known.isEmpty()) {
                nodes.add(new Node(p.nodeId(), p.role(), new Placement(p.zone(), p.ip()),
                        Status.HEALTHY, new Heard(null, r.at(), 0), null, s.epoch(), null));
            } else if (known.get().expected()) {
                // asked for, now ready: watched from now, as a node first known here would be
                Node k = known.get();
                Node ready = new Node(k.nodeId(), p.role(), new Placement(
                        p.zone() != null ? p.zone() : k.zone(), p.ip()), Status.HEALTHY,
                        new Heard(null, r.at(), 0), null, k.epoch(), null);
                nodes.replaceAll(n -> n.nodeId().equals(p.nodeId()) ? ready : n);
            } else if (known.get().ip() == null && p.ip() != null) {
                Node k = known.get();
                Node placed = k.withRole(k.role() == null ? p.role() : k.role())
                        .withPlacement(new Placement(p.zone(), p.ip()));
                UnaryOperator<Node> addressed = n -> n.nodeId().equals(p.nodeId()) ? placed : n;
                nodes.replaceAll(addressed);
                forgotten.replaceAll(addressed);
            }
        }
        return s.withNodes(nodes).withForgottenLost(forgotten);
    }

    private static InstanceHealth heard(InstanceHealth s, HeartbeatRecorded h) {
        if (s.node(h.nodeId()).isEmpty()) {
            List<Node> nodes = new ArrayList<>(s.nodes());
            nodes.add(new Node(h.nodeId(), h.role(), new Placement(null, null), Status.HEALTHY,
                    new Heard(h.at(), h.at(), h.position()), null, h.epoch(), null));
            return s.withNodes(nodes);
        }
        return s.withNode(h.nodeId(), n -> {
            boolean back = n.status() == Status.SUSPECTED || n.status() == Status.PENDING;
            Instant last = n.lastHeartbeatAt() == null || h.at().isAfter(n.lastHeartbeatAt())
                    ? h.at() : n.lastHeartbeatAt();
            Instant watch = n.watchSince() == null || last.isAfter(n.watchSince()) ? last
                    : n.watchSince();
            return new Node(n.nodeId(), n.role() == null ? h.role() : n.role(), n.placement(),
                    Status.HEALTHY, new Heard(last, watch, Math.max(n.position(), h.position())),
                    new Stability(back && n.status() == Status.SUSPECTED ? h.at()
                            : n.healthySince(), n.minorFailures()), h.epoch(), n.replacesNodeId());
        });
    }

    /** Events of a failover: its record, its phases, the epoch and the roles it changes. */
    private static InstanceHealth failovers(InstanceHealth s, FailoverEvent event) {
        if (event instanceof Started st) {
            InstanceHealth base = s;
            if (s.active() != null) {
                base = s.finish(s.active().withState(FailoverState.SUPERSEDED)
                        .phase(PhaseName.SUPERSEDED, st.detectedAt(),
                                "node " + st.failedNodeId() + " was lost too"));
            }
            Node failed = s.node(st.failedNodeId()).orElseThrow();
            Failover f = Failover.started(st.failoverId(), st.kind(), FailoverState.STARTED,
                    new Failover.Failure(st.failedNodeId(), failed.zone(), failed.ip(),
                            st.reason(), st.detectedBy(), st.failedAt(), st.detectedAt(),
                            s.highestPosition()), null, st.epoch());
            return base.withActive(f.phase(PhaseName.STARTED, st.detectedAt(), st.reason()));
        }
        if (event instanceof Blocked b) {
            return s.active() == null ? s : s.withActive(s.active().blocked(b.waitUntil())
                    .phase(PhaseName.BLOCKED, b.waitUntil(), b.reason()));
        }
        if (event instanceof Promoted p) {
            InstanceHealth after = s.withEpoch(p.epoch()).withEveryNode(n -> n.nodeId()
                    .equals(p.nodeId()) ? n.withRole(Role.PRIMARY)
                    : n.role() == Role.PRIMARY ? n.withRole(Role.STANDBY) : n);
            return s.active() == null ? after : after.withActive(s.active()
                    .promoted(p.nodeId(), p.at(), p.epoch(), p.lagBytes())
                    .phase(PhaseName.PROMOTED, p.at(), p.nodeId() + " at epoch " + p.epoch() + ", "
                            + p.lagBytes() + " bytes behind"));
        }
        if (event instanceof EndpointMoved m) {
            return s.withActivePhase(PhaseName.ENDPOINT_MOVED, null,
                    m.serviceHost() + ": " + m.fromIp() + " -> " + m.toIp());
        }
        if (event instanceof ReplacementRequested r) {
            List<Node> nodes = new ArrayList<>(s.nodes());
            nodes.add(new Node(r.nodeId(), r.role(), new Placement(r.zone(), null), Status.PENDING,
                    null, null, r.epoch(), r.replacesNodeId()));
            InstanceHealth after = s.withNodes(nodes).withReplacements(s.replacements() + 1);
            return r.failoverId() == null || after.active() == null ? after
                    : after.withActive(after.active().replacedBy(r.nodeId()))
                            .withActivePhase(PhaseName.REPLACEMENT_REQUESTED, null,
                                    r.nodeId() + " replaces " + r.replacesNodeId());
        }
        if (event instanceof RestoreRequested r) {
            InstanceHealth after = s.withEpoch(r.epoch());
            return after.active() == null ? after : after.withActive(after.active()
                    .restoring(r.nodeId(), r.restorePointAt(), r.epoch())
                    .phase(PhaseName.RESTORE_REQUESTED, null,
                            "backup " + r.backupId() + " up to position " + r.targetPosition()));
        }
        if (event instanceof Completed c) {
            if (s.active() == null) {
                return s;
            }
            Failover done = s.active();
            InstanceHealth after = s.finish(done.completed(c)
                    .phase(PhaseName.COMPLETED, c.completedAt(), c.note()));
            // the old primary of a switchover follows the new one: its silence counts from now on
            return done.plannedSwitchover()
                    ? after.withNode(done.failedNodeId(), n -> n.watchedFrom(c.completedAt()))
                    : after;
        }
        return afterwards(s, event);
    }

    /** Events of switchovers, rejoined nodes and measured losses. */
    private static InstanceHealth afterwards(InstanceHealth s, FailoverEvent event) {
        if (event instanceof FailoverEvent.SwitchoverStarted st) {
            Node from = s.node(st.fromNodeId()).orElseThrow();
            String why = "planned switchover to " + st.toNodeId() + ", asked by "
                    + st.requestedBy() + (st.note().isBlank() ? "" : ": " + st.note());
            Failover f = Failover.started(st.switchoverId(), FailoverKind.SWITCHOVER,
                    FailoverState.SWITCHING, new Failover.Failure(from.nodeId(), from.zone(),
                            from.ip(), why, DetectionSource.OPERATOR, st.at(), st.at(),
                            from.position()), st.timeoutAt(), st.epoch())
                    .withSwitchover(new InstanceHealth.Switchover(st.toNodeId(), st.requestId(),
                            st.requestedBy()));
            return s.withActive(f.phase(PhaseName.SWITCHOVER_STARTED, st.at(),
                    from.nodeId() + " -> " + st.toNodeId() + " at epoch " + st.epoch()));
        }
        if (event instanceof FailoverEvent.SwitchoverAborted a) {
            Failover f = s.active();
            if (f == null || !f.failoverId().equals(a.switchoverId())) {
                return s;
            }
            // it serves on: its silence counts afresh
            return s.finish(f.aborted(a.at(), a.reason())
                            .phase(PhaseName.ABORTED, a.at(), a.reason()))
                    .withNode(f.failedNodeId(), n -> n.watchedFrom(a.at()));
        }
        if (event instanceof FailoverEvent.NodeRejoined j) {
            InstanceHealth after = s.withNode(j.nodeId(), n -> new Node(n.nodeId(), Role.STANDBY,
                    new Placement(j.zone() != null ? j.zone() : n.zone(),
                            j.ip() != null ? j.ip() : n.ip()), Status.HEALTHY,
                    new Heard(j.at(), j.at(), j.position()), new Stability(j.at(), n.minorFailures()),
                    j.epoch(), n.replacesNodeId()));
            return Failovers.lastFailoverOf(after, j.nodeId())
                    .map(f -> after.withFailover(f.failoverId(),
                            x -> x.phase(PhaseName.REJOINED, j.at(),
                                    j.nodeId() + " is a standby again at epoch " + j.epoch())))
                    .orElse(after);
        }
        if (event instanceof FailoverEvent.ReplacementCancelled c) {
            InstanceHealth after = s.withNodes(s.nodes().stream()
                    .filter(n -> !n.nodeId().equals(c.nodeId())).toList()).withRetired(c.nodeId());
            return Failovers.lastFailoverOf(after, c.replacesNodeId())
                    .filter(f -> c.nodeId().equals(f.replacementNodeId()))
                    .map(f -> after.withFailover(f.failoverId(),
                            x -> x.phase(PhaseName.REPLACEMENT_CANCELLED, null,
                                    c.nodeId() + ": " + c.reason())))
                    .orElse(after);
        }
        if (event instanceof FailoverEvent.DataLossMeasured d) {
            return s.withFailover(d.failoverId(), f -> f.withMeasuredLoss(
                    new InstanceHealth.MeasuredLoss(d.nodeId(), d.lostBytes(), d.divergedAt(),
                            d.estimatedBytes(), d.method(), d.at()))
                    .phase(PhaseName.DATA_LOSS_MEASURED, d.at(), d.nodeId() + " discarded "
                            + d.lostBytes() + " bytes past " + d.divergedAt() + " (" + d.method()
                            + "); estimated " + d.estimatedBytes()));
        }
        if (event instanceof FailoverEvent.CommandFailureRecorded c) {
            return s.withFailover(c.failoverId(), f -> f.phase(PhaseName.DATA_PLANE_FAILED, c.at(),
                    c.command() + " " + c.failure() + ": " + c.reason()));
        }
        if (event instanceof FailoverEvent.Recovered
                || event instanceof FailoverEvent.RestartRequested
                || event instanceof FailoverEvent.Ignored
                || event instanceof FailoverEvent.RegionNodes
                || event instanceof FailoverEvent.SwitchoverRejected
                || event instanceof FailoverEvent.TimeDecided
                || event instanceof FailoverEvent.HeardUpTo) {
            return s; // published, or for the region's guard: nothing to keep
        }
        throw new IllegalStateException("unhandled " + event);
    }
}
