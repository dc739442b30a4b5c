package io.datastores.failover.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.datastores.failover.domain.FailoverCommand.ChangePlan;
import io.datastores.failover.domain.FailoverCommand.CheckTime;
import io.datastores.failover.domain.FailoverCommand.ConfirmLoss;
import io.datastores.failover.domain.FailoverCommand.Decommission;
import io.datastores.failover.domain.FailoverCommand.Delete;
import io.datastores.failover.domain.FailoverCommand.Diagnose;
import io.datastores.failover.domain.FailoverCommand.DismissSuspicion;
import io.datastores.failover.domain.FailoverCommand.Heartbeat;
import io.datastores.failover.domain.FailoverCommand.NodeUp;
import io.datastores.failover.domain.FailoverCommand.RecordNodes;
import io.datastores.failover.domain.FailoverCommand.RecordRestorePoint;
import io.datastores.failover.domain.FailoverCommand.ReportFailure;
import io.datastores.failover.domain.FailoverCommand.RequestSwitchover;
import io.datastores.failover.domain.FailoverCommand.RestoreDone;
import io.datastores.failover.domain.FailoverCommand.Track;
import io.datastores.failover.domain.FailoverEvent.NodeDropped;
import io.datastores.failover.domain.FailoverEvent.NodesRecorded;
import io.datastores.failover.domain.FailoverEvent.PlanRecorded;
import io.datastores.failover.domain.FailoverEvent.RegionNodes;
import io.datastores.failover.domain.FailoverEvent.ReplacementUp;
import io.datastores.failover.domain.FailoverEvent.RestorePointRecorded;
import io.datastores.failover.domain.FailoverEvent.Tracked;
import io.datastores.failover.domain.FailoverEvent.Untracked;
import io.datastores.failover.domain.InstanceHealth.Failover;
import io.datastores.failover.domain.InstanceHealth.Node;
import io.datastores.failover.domain.InstanceHealth.Status;
import io.datastores.kit.decider.Decider;
import io.datastores.kit.decider.Timer;

/**
 * The rules of failover for one instance, each in its module: {@link Detection} (silence,
 * suspicion, diagnostics, failure reports), {@link PromotionPolicy} (losses, candidates, lag
 * budget, catch-up wait, confirmation), {@link Restore} (single nodes, from backup), {@link
 * Fencing} (epochs, returning nodes, rewind, rejoin), {@link Switchover} (planned), {@link
 * Forgetting} (unknown instances) and {@link InstanceHealthEvolution} (what each event changes);
 * every time condition is in {@link Deadlines}. This facade dispatches each command to its rule,
 * counts the region's watched nodes for the region's guard, and answers the timer. Everything runs
 * on event time.
 */
public final class FailoverDecider
        implements Decider<FailoverCommand, InstanceHealth, FailoverEvent> {

    private final InstanceHealthEvolution evolution;
    private final PromotionPolicy promotion;
    private final Detection detection;
    private final Switchover switchover;
    private final Forgetting forgetting;
    private final Deadlines deadlines;

    public FailoverDecider(FailoverPolicy policy) {
        this.evolution = new InstanceHealthEvolution(policy);
        this.promotion = new PromotionPolicy(policy, this);
        this.detection = new Detection(policy, promotion, this);
        this.switchover = new Switchover(policy, promotion);
        this.forgetting = new Forgetting(policy);
        this.deadlines = new Deadlines(policy, forgetting);
    }

    @Override
    public InstanceHealth initialState() {
        return InstanceHealth.initial();
    }

    @Override
    public List<FailoverEvent> decide(FailoverCommand command, InstanceHealth state, Instant at) {
        List<FailoverEvent> events = new ArrayList<>(decideFor(command, state, at));
        if (events.isEmpty()) {
            return events;
        }
        // The region's guard counts the watched nodes of each region.
        if (!mayChangeWatchedCount(state, events)) {
            return events;
        }
        InstanceHealth after = fold(state, events);
        String region = after.region() != null ? after.region() : state.region();
        int delta = after.countedNodes() - state.countedNodes();
        if (delta != 0 && region != null) {
            events.add(new RegionNodes(region, delta));
        }
        return events;
    }

    /**
     * Whether {@code events} may change how many of the instance's nodes are watched: not when they
     * only record heartbeats of nodes watched already (a suspected one heard again is watched still),
     * as most heartbeats do, which then need no second fold to count.
     */
    private static boolean mayChangeWatchedCount(InstanceHealth s, List<FailoverEvent> events) {
        for (FailoverEvent e : events) {
            boolean heardWatched = e instanceof FailoverEvent.HeartbeatRecorded h
                    && s.node(h.nodeId()).filter(Node::watched).isPresent();
            if (!heardWatched && !(e instanceof FailoverEvent.Recovered)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public InstanceHealth evolve(InstanceHealth state, FailoverEvent event) {
        return evolution.evolve(state, event);
    }

    private List<FailoverEvent> decideFor(FailoverCommand command, InstanceHealth s, Instant at) {
        if (command instanceof Track t) {
            return s.tracked() ? List.of() : List.of(new Tracked(t.instanceId(), t.region(),
                    t.plan(), t.tier(), t.nodeCount(), t.serviceHost()));
        }
        if (command instanceof RequestSwitchover r) {
            return switchover.request(r, s, at);
        }
        if (s.deleted()) {
            return List.of(); // a deleted instance has nothing left to fail over
        }
        if (command instanceof ChangePlan c) {
            return List.of(new PlanRecorded(c.plan(), c.tier(), c.nodeCount()));
        }
        if (command instanceof FailoverCommand.ExpectNode x) {
            return expectNode(x, s);
        }
        if (command instanceof RecordNodes r) {
            return recordNodes(r, s, at);
        }
        if (command instanceof Decommission d) {
            return s.node(d.nodeId()).isPresent() ? List.of(new NodeDropped(d.nodeId()))
                    : List.of();
        }
        if (command instanceof Delete) {
            return List.of(new Untracked());
        }
        if (command instanceof Heartbeat h) {
            return detection.heartbeat(h, s, at);
        }
        if (command instanceof Diagnose d) {
            return detection.diagnose(d, s, at);
        }
        if (command instanceof ReportFailure r) {
            return detection.report(r, s, at);
        }
        if (command instanceof NodeUp u) {
            return replacementUp(u, s, at);
        }
        if (command instanceof RecordRestorePoint p) {
            return restorePoint(p, s);
        }
        if (command instanceof RestoreDone r) {
            return Restore.restoreDone(r, s, at);
        }
        if (command instanceof ConfirmLoss c) {
            return detection.confirmLoss(c, s, at);
        }
        if (command instanceof DismissSuspicion d) {
            return Detection.dismiss(d, s, at);
        }
        if (command instanceof CheckTime) {
            return checkTime(s, at);
        }
        if (command instanceof FailoverCommand.TimeReached) {
            return List.of(); // a mark of the time: its shell decides what time owes (CheckTime), not this
        }
        if (command instanceof FailoverCommand.SwitchoverPrepared p) {
            return Switchover.prepared(p, s, at);
        }
        if (command instanceof FailoverCommand.CommandFailed c) {
            return Switchover.commandFailed(c, s, at);
        }
        if (command instanceof FailoverCommand.NodeRewound r) {
            return Fencing.rewound(r, s, at);
        }
        throw new IllegalStateException("unhandled " + command);
    }

    /**
     * A node provisioning asked for: expected, unless it is known already (heard first, asked for
     * again, or a replacement failover asked for) or was removed.
     */
    private static List<FailoverEvent> expectNode(FailoverCommand.ExpectNode x, InstanceHealth s) {
        return s.tracked() && s.node(x.nodeId()).isEmpty() && !s.retired().contains(x.nodeId())
                ? List.of(new FailoverEvent.NodeExpected(x.nodeId(), x.role(), x.zone()))
                : List.of();
    }

    /**
     * Nodes from provisioning: unknown and expected ones are watched from now, known ones get an
     * address.
     */
    private static List<FailoverEvent> recordNodes(RecordNodes r, InstanceHealth s, Instant at) {
        boolean changes = r.nodes().stream().anyMatch(p -> s.node(p.nodeId())
                .map(n -> n.expected() || n.ip() == null && p.ip() != null).orElse(true));
        return changes ? List.of(new NodesRecorded(r.nodes(), at)) : List.of();
    }

    /**
     * The data plane reports a node up with its address. A replacement still pending is watched from
     * now; one whose heartbeat came first (the two travel on different topics) is only addressed. Either
     * way the node it replaces leaves the live nodes, so the state does not depend on which came first.
     */
    private static List<FailoverEvent> replacementUp(NodeUp u, InstanceHealth s, Instant at) {
        Optional<Node> n = s.node(u.nodeId());
        boolean news = n.isPresent() && (n.get().status() == Status.PENDING
                || n.get().ip() == null && u.ip() != null
                || s.nodes().stream().anyMatch(r -> r.nodeId().equals(n.get().replacesNodeId())
                        && r.status() == Status.LOST));
        return news ? List.of(new ReplacementUp(u.nodeId(), u.ip(), u.zone(), at)) : List.of();
    }

    private static List<FailoverEvent> restorePoint(RecordRestorePoint p, InstanceHealth s) {
        InstanceHealth.RestorePoint point = new InstanceHealth.RestorePoint(p.lastArchivedAt(),
                p.lastArchivedPosition(), p.latestBackupId());
        return point.equals(s.restorePoint()) ? List.of()
                : List.of(new RestorePointRecorded(p.lastArchivedAt(), p.lastArchivedPosition(),
                        p.latestBackupId()));
    }

    // --- time ---

    /** What time owes the instance at {@code at}: each deadline reached, decided by its rule. */
    private List<FailoverEvent> checkTime(InstanceHealth s, Instant at) {
        List<Deadlines.Deadline> reached = deadlines.reached(s, at);
        List<FailoverEvent> events = new ArrayList<>();
        for (Deadlines.Deadline d : reached) {
            events.addAll(owed(s, d, reached, at));
        }
        return events;
    }

    private List<FailoverEvent> owed(InstanceHealth s, Deadlines.Deadline d,
            List<Deadlines.Deadline> reached, Instant at) {
        Failover f = s.active();
        return switch (d.rule()) {
            case UNKNOWN_INSTANCE -> forgetting.forgetUnknown(s);
            case SILENCE -> List.of(Detection.suspect(s, s.node(d.nodeId()).orElseThrow(), at));
            case SWITCHOVER_TIMEOUT -> switchover.timedOut(f, at);
            case CATCH_UP_WAIT -> promotion.promote(s, f, at, true);
            // its silence, reached at the same moment, is the region guard's to judge
            case CONFIRMATION -> promotion.unconfirmed(s, f, at, reached.stream()
                    .anyMatch(x -> x.rule() == Deadlines.Rule.SILENCE
                            && x.nodeId().equals(d.nodeId())));
        };
    }

    /** When time next owes this instance a decision: its earliest deadline, once reached. */
    public Optional<Timer.Due<FailoverCommand>> due(String key, InstanceHealth s, Instant now) {
        return deadlines.due(key, s, now);
    }
}
