package io.datastores.failover.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import io.datastores.failover.domain.FailoverCommand.ChangePlan;
import io.datastores.failover.domain.FailoverCommand.CheckTime;
import io.datastores.failover.domain.FailoverCommand.ConfirmLoss;
import io.datastores.failover.domain.FailoverCommand.Decommission;
import io.datastores.failover.domain.FailoverCommand.Delete;
import io.datastores.failover.domain.FailoverCommand.Diagnose;
import io.datastores.failover.domain.FailoverCommand.DismissSuspicion;
import io.datastores.failover.domain.FailoverCommand.Heartbeat;
import io.datastores.failover.domain.FailoverCommand.NodeUp;
import io.datastores.failover.domain.FailoverCommand.PlannedNode;
import io.datastores.failover.domain.FailoverCommand.RecordNodes;
import io.datastores.failover.domain.FailoverCommand.RecordRestorePoint;
import io.datastores.failover.domain.FailoverCommand.ReportFailure;
import io.datastores.failover.domain.FailoverCommand.RequestSwitchover;
import io.datastores.failover.domain.FailoverCommand.RestoreDone;
import io.datastores.failover.domain.FailoverCommand.Track;
import io.datastores.failover.domain.FailoverEvent.Blocked;
import io.datastores.failover.domain.FailoverEvent.Completed;
import io.datastores.failover.domain.FailoverEvent.EndpointMoved;
import io.datastores.failover.domain.FailoverEvent.Fenced;
import io.datastores.failover.domain.FailoverEvent.HeartbeatRecorded;
import io.datastores.failover.domain.FailoverEvent.Ignored;
import io.datastores.failover.domain.FailoverEvent.Lost;
import io.datastores.failover.domain.FailoverEvent.MinorFailureRecorded;
import io.datastores.failover.domain.FailoverEvent.NodeDropped;
import io.datastores.failover.domain.FailoverEvent.NodesRecorded;
import io.datastores.failover.domain.FailoverEvent.PlanRecorded;
import io.datastores.failover.domain.FailoverEvent.Promoted;
import io.datastores.failover.domain.FailoverEvent.Recovered;
import io.datastores.failover.domain.FailoverEvent.RegionNodes;
import io.datastores.failover.domain.FailoverEvent.ReplacementRequested;
import io.datastores.failover.domain.FailoverEvent.ReplacementUp;
import io.datastores.failover.domain.FailoverEvent.RestartRequested;
import io.datastores.failover.domain.FailoverEvent.RestorePointRecorded;
import io.datastores.failover.domain.FailoverEvent.RestoreRequested;
import io.datastores.failover.domain.FailoverEvent.Started;
import io.datastores.failover.domain.FailoverEvent.Suspected;
import io.datastores.failover.domain.FailoverEvent.SuspicionCleared;
import io.datastores.failover.domain.FailoverEvent.Tracked;
import io.datastores.failover.domain.FailoverEvent.Untracked;
import io.datastores.failover.domain.InstanceHealth.Failover;
import io.datastores.failover.domain.InstanceHealth.Node;
import io.datastores.failover.domain.InstanceHealth.Status;
import io.datastores.kit.decider.Decider;
import io.datastores.kit.decider.Timer;

/**
 * The rules of failover for one instance: detection, promotion, fencing, replacement and restore.
 *
 * <ul>
 * <li><b>Detection.</b> A node silent for the heartbeat timeout is <i>suspected</i>; its loss waits
 * for the region's guard ({@link RegionGuardDecider}), which holds it when a large share of the region
 * went silent at once. A SEVERE self-diagnosis or a {@code NodeFailed} from another service is a
 * loss at once. MINOR diagnostics restart the node in place, until {@code minorLimit} of them in
 * {@code minorWindow} count as a loss. Everything runs on event time.</li>
 * <li><b>Promotion</b> (plans with standbys). Among healthy, stable standbys within the tier's lag
 * budget, the highest position wins; ties go to a zone away from the lost primary, then to the
 * smaller node id. The epoch rises, the endpoint moves, a replacement is asked for; the failover is
 * complete when the new primary reports itself at the new epoch. When none qualifies the failover
 * is blocked, says why, and after {@code catchUpWait} promotes the most advanced standby with the
 * loss reported; with no standby at all it restores from backup.</li>
 * <li><b>Single node.</b> A replacement restores from the latest backup and archived logs; the
 * unavailability and the data-loss window (failure time minus the last archived point) are
 * reported.</li>
 * <li><b>Fencing.</b> A node claiming primary at an older epoch, or a lost node coming back, is
 * fenced once. Reports about a node already lost, or carrying an older epoch, are ignored with the
 * reason. One failover at a time: the loss of a node promoted moments ago supersedes its failover.
 * A fenced node heard as a standby at the current epoch rejoins (its replacement, if any, is
 * cancelled); when it was a failover's lost primary, the bytes the data plane discarded rewinding it
 * are that failover's measured data loss.</li>
 * <li><b>Planned switchover.</b> An operator's request is refused with the reason, or starts a
 * switchover (a failover record of kind SWITCHOVER) to the named standby or the most advanced one
 * within the lag budget. The data plane prepares it (connections paused, the primary stopped, the
 * target caught up); then the target is promoted at a new epoch with nothing lost, the endpoint
 * moves, and the old primary stays as a standby. Its silence meanwhile is on purpose, not a loss. A
 * data-plane failure or {@code switchoverTimeout} aborts it.</li>
 * <li><b>Forgetting.</b> A lost node leaves the live nodes once its replacement is up (a single
 * node's restore target included), or once none is coming (its replacement was dropped before it
 * was up); the failover history keeps its id, zone and ip. It is kept aside, bounded
 * ({@link InstanceHealth#forget(String)}), and asked about by its id it answers as before: a late
 * heartbeat of it is still fenced, and it can rejoin. Only the texts that list an instance's nodes
 * (a refusal, a blocked failover) no longer name it.</li>
 * </ul>
 */
public final class FailoverDecider implements Decider<FailoverCommand, InstanceHealth, FailoverEvent> {

    public static final String PROMOTION = "PROMOTION";
    public static final String RESTORE = "RESTORE";
    public static final String SWITCHOVER = "SWITCHOVER";

    private final FailoverPolicy policy;

    public FailoverDecider(FailoverPolicy policy) {
        this.policy = policy;
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
        InstanceHealth after = state;
        for (FailoverEvent e : events) {
            after = evolve(after, e);
        }
        String region = after.region() != null ? after.region() : state.region();
        int delta = after.countedNodes() - state.countedNodes();
        if (delta != 0 && region != null) {
            events.add(new RegionNodes(region, delta));
        }
        return events;
    }

    private List<FailoverEvent> decideFor(FailoverCommand command, InstanceHealth s, Instant at) {
        if (command instanceof Track t) {
            return s.tracked() ? List.of() : List.of(new Tracked(t.instanceId(), t.region(), t.plan(),
                    t.tier(), t.nodeCount(), t.serviceHost()));
        }
        if (command instanceof RequestSwitchover r) {
            return switchover(r, s, at);
        }
        if (s.deleted()) {
            return List.of(); // a deleted instance has nothing left to fail over
        }
        if (command instanceof ChangePlan c) {
            return List.of(new PlanRecorded(c.plan(), c.tier(), c.nodeCount()));
        }
        if (command instanceof RecordNodes r) {
            return recordNodes(r, s, at);
        }
        if (command instanceof Decommission d) {
            return s.node(d.nodeId()).isPresent() ? List.of(new NodeDropped(d.nodeId())) : List.of();
        }
        if (command instanceof Delete) {
            return List.of(new Untracked());
        }
        if (command instanceof Heartbeat h) {
            return heartbeat(h, s, at);
        }
        if (command instanceof Diagnose d) {
            return diagnose(d, s, at);
        }
        if (command instanceof ReportFailure r) {
            return report(r, s, at);
        }
        if (command instanceof NodeUp u) {
            Optional<Node> n = s.node(u.nodeId());
            return n.isPresent() && n.get().status() == Status.PENDING
                    ? List.of(new ReplacementUp(u.nodeId(), u.ip(), u.zone(), at)) : List.of();
        }
        if (command instanceof RecordRestorePoint p) {
            InstanceHealth.RestorePoint point = new InstanceHealth.RestorePoint(p.lastArchivedAt(),
                    p.lastArchivedPosition(), p.latestBackupId());
            return point.equals(s.restorePoint()) ? List.of()
                    : List.of(new RestorePointRecorded(p.lastArchivedAt(), p.lastArchivedPosition(), p.latestBackupId()));
        }
        if (command instanceof RestoreDone r) {
            return restoreDone(r, s, at);
        }
        if (command instanceof ConfirmLoss c) {
            Optional<Node> n = s.node(c.nodeId());
            return n.isPresent() && n.get().status() == Status.SUSPECTED
                    ? lose(s, n.get(), "missed heartbeats: " + c.reason(), "HEARTBEAT", at) : List.of();
        }
        if (command instanceof DismissSuspicion d) {
            Optional<Node> n = s.node(d.nodeId());
            return n.isPresent() && n.get().status() == Status.SUSPECTED
                    ? List.of(new SuspicionCleared(d.nodeId(), at)) : List.of();
        }
        if (command instanceof CheckTime) {
            return checkTime(s, at);
        }
        if (command instanceof FailoverCommand.SwitchoverPrepared p) {
            return prepared(p, s, at);
        }
        if (command instanceof FailoverCommand.CommandFailed c) {
            return commandFailed(c, s, at);
        }
        if (command instanceof FailoverCommand.NodeRewound r) {
            return rewound(r, s, at);
        }
        return List.of();
    }

    // --- nodes from provisioning ---

    private static List<FailoverEvent> recordNodes(RecordNodes r, InstanceHealth s, Instant at) {
        boolean changes = r.nodes().stream().anyMatch(p -> s.node(p.nodeId())
                .map(n -> n.ip() == null && p.ip() != null).orElse(true));
        return changes ? List.of(new NodesRecorded(r.nodes(), at)) : List.of();
    }

    // --- signals from the nodes ---

    private List<FailoverEvent> heartbeat(Heartbeat h, InstanceHealth s, Instant at) {
        Optional<Node> known = s.node(h.nodeId());
        if (known.isEmpty() && s.retired().contains(h.nodeId())) {
            return List.of(new Ignored(h.nodeId(), "NodeHeartbeat", h.epoch(), s.epoch(), "node " + h.nodeId()
                    + " was removed from the instance (decommissioned, or a cancelled replacement): a late heartbeat"
                    + " changes nothing"));
        }
        if (known.isEmpty()) {
            // The data plane may know a node before provisioning's event: watch it from now.
            return List.of(new HeartbeatRecorded(h.nodeId(), h.role(), h.position(), h.epoch(), at));
        }
        Node n = known.get();
        if (n.lastHeartbeatAt() != null && !at.isAfter(n.lastHeartbeatAt())) {
            return List.of(); // no newer than the last one heard: a re-delivery or a replay changes nothing
        }
        if (n.status() == Status.FENCED) {
            // fenced once; the data plane rebuilds it, and it is back when it follows the current primary
            return h.role() == Role.STANDBY && h.epoch() == s.epoch() ? rejoin(s, n, h, at) : List.of();
        }
        if (n.status() == Status.LOST) {
            return List.of(new Fenced(n.nodeId(), h.epoch(), s.epoch(), "node " + n.nodeId()
                    + " was declared lost and replaced; it came back claiming " + h.role() + " at epoch " + h.epoch()
                    + " while the instance is at epoch " + s.epoch()));
        }
        Failover current = s.active();
        if (switchingAway(s, n) && h.role() == Role.PRIMARY && h.epoch() < s.epoch() && current.promotedAt() != null
                && !at.isAfter(current.promotedAt())) {
            return List.of(); // the old primary's last beat before it was stopped, read after the promotion
        }
        if (h.role() == Role.PRIMARY && h.epoch() < s.epoch()) {
            return fence(s, n, h.epoch(), "node " + n.nodeId() + " claims PRIMARY at epoch " + h.epoch()
                    + " but epoch " + s.epoch() + " was issued since"
                    + s.primary().map(p -> " (primary: " + p.nodeId() + ")").orElse(""));
        }
        if (h.role() == Role.PRIMARY && n.role() == Role.STANDBY && s.primary().isPresent()) {
            return fence(s, n, h.epoch(), "node " + n.nodeId() + " claims PRIMARY but "
                    + s.primary().get().nodeId() + " is primary at epoch " + s.epoch());
        }
        List<FailoverEvent> events = new ArrayList<>();
        if (h.epoch() > s.epoch() && n.epoch() != h.epoch()) {
            events.add(new Ignored(n.nodeId(), "NodeHeartbeat", h.epoch(), s.epoch(), "epoch " + h.epoch()
                    + " was never issued (current " + s.epoch() + "); the heartbeat counts as a sign of life only"));
        }
        events.add(new HeartbeatRecorded(h.nodeId(), h.role(), h.position(), h.epoch(), at));
        if (n.status() == Status.SUSPECTED) {
            events.add(new Recovered(n.nodeId(), s.region()));
        }
        InstanceHealth after = s;
        for (FailoverEvent e : events) {
            after = evolve(after, e);
        }
        Failover f = after.active();
        if (f != null && "PROMOTED".equals(f.state()) && h.nodeId().equals(f.promotedNodeId())
                && h.role() == Role.PRIMARY && h.epoch() == after.epoch()) {
            String note = f.plannedSwitchover() ? "planned switchover from " + f.failedNodeId() + ": nothing lost"
                    : f.dataLossBytes() > 0 ? "promoted " + f.dataLossBytes() + " bytes behind the lost primary" : "";
            events.add(complete(after, f, at, f.promotedNodeId(), null, note));
        } else if (f != null && "BLOCKED".equals(f.state())) {
            events.addAll(promote(after, f, at, false));
        }
        return events;
    }

    /** A live node claiming a role it does not have: demoted, and rebuilt as a new standby. */
    private static List<FailoverEvent> fence(InstanceHealth s, Node n, long nodeEpoch, String reason) {
        return List.of(new Fenced(n.nodeId(), nodeEpoch, s.epoch(), reason),
                replacement(s, null, n, Role.STANDBY, s.epoch()));
    }

    private List<FailoverEvent> diagnose(Diagnose d, InstanceHealth s, Instant at) {
        Optional<Node> known = s.node(d.nodeId());
        if (known.isEmpty() || !known.get().watched()) {
            return known.isEmpty() && !"OK".equals(d.severity())
                    ? List.of(new Ignored(d.nodeId(), "NodeDiagnosticsReported", 0, s.epoch(),
                            "no node " + d.nodeId() + " is known for this instance"))
                    : List.of();
        }
        Node n = known.get();
        if ("SEVERE".equals(d.severity())) {
            return lose(s, n, "self-diagnostics: " + d.detail(), "DIAGNOSTICS", at);
        }
        if (!"MINOR".equals(d.severity()) || switchingAway(s, n)) {
            return List.of(); // OK; or the primary a switchover stops on purpose
        }
        long recent = n.minorFailures().stream().filter(t -> !t.isBefore(at.minus(policy.minorWindow()))).count();
        if (recent + 1 >= policy.minorLimit()) {
            return lose(s, n, (recent + 1) + " minor failures within " + policy.minorWindow().toMinutes()
                    + " min (last: " + d.detail() + ")", "DIAGNOSTICS", at);
        }
        return List.of(new MinorFailureRecorded(n.nodeId(), at), new RestartRequested(n.nodeId(), s.epoch(),
                "minor failure, restarted in place: " + d.detail()));
    }

    private List<FailoverEvent> report(ReportFailure r, InstanceHealth s, Instant at) {
        if (!s.tracked()) {
            return List.of(new Ignored(r.nodeId(), "NodeFailed", r.epoch(), s.epoch(),
                    "instance " + r.instanceId() + " is unknown to failover"));
        }
        Optional<Node> known = s.node(r.nodeId());
        if (known.isEmpty()) {
            return List.of(new Ignored(r.nodeId(), "NodeFailed", r.epoch(), s.epoch(),
                    "no node " + r.nodeId() + " is known for this instance"));
        }
        Node n = known.get();
        if (n.status() == Status.LOST || n.status() == Status.FENCED) {
            return List.of(new Ignored(r.nodeId(), "NodeFailed", r.epoch(), s.epoch(),
                    "node " + r.nodeId() + " is already " + n.status().name().toLowerCase(Locale.ROOT)
                            + "; its failure was handled once"));
        }
        if (r.epoch() > 0 && r.epoch() < s.epoch()) {
            return List.of(new Ignored(r.nodeId(), "NodeFailed", r.epoch(), s.epoch(), "the report names epoch "
                    + r.epoch() + " but the instance is at epoch " + s.epoch() + ": it describes an earlier topology"));
        }
        if (n.status() == Status.PENDING) {
            return List.of(new Ignored(r.nodeId(), "NodeFailed", r.epoch(), s.epoch(),
                    "node " + r.nodeId() + " is a replacement not yet up"));
        }
        return lose(s, n, r.reason(), "PLATFORM", at);
    }

    // --- losses ---

    /** {@code node} is lost: replace it, and fail over when it was the primary. */
    private List<FailoverEvent> lose(InstanceHealth s, Node node, String reason, String detectedBy, Instant at) {
        Instant failedAt = node.lastHeartbeatAt() != null ? node.lastHeartbeatAt() : at;
        List<FailoverEvent> events = new ArrayList<>();
        Failover switching = s.active();
        if (switching != null && switching.plannedSwitchover() && "SWITCHING".equals(switching.state())) {
            FailoverEvent.SwitchoverAborted abort = new FailoverEvent.SwitchoverAborted(switching.failoverId(),
                    "node " + node.nodeId() + " was lost while it was prepared: " + reason, at);
            events.add(abort);
            s = evolve(s, abort);
        }
        events.add(new Lost(node.nodeId(), reason, detectedBy, s.epoch(), failedAt));
        if (node.role() != Role.PRIMARY) {
            events.add(replacement(s, null, node, Role.STANDBY, s.epoch()));
            return events;
        }
        String failoverId = s.instanceId() + "/failover-" + (s.history().size() + (s.active() == null ? 1 : 2))
                + "-" + at.toEpochMilli();
        boolean hasStandby = s.nodes().stream().anyMatch(n -> !n.nodeId().equals(node.nodeId())
                && n.role() == Role.STANDBY && n.status() != Status.LOST && n.status() != Status.FENCED);
        String kind = s.nodeCount() <= 1 || !hasStandby ? RESTORE : PROMOTION;
        events.add(new Started(failoverId, node.nodeId(), kind, reason, detectedBy, failedAt, at, s.epoch()));
        InstanceHealth after = s;
        for (FailoverEvent e : events.subList(events.size() - 2, events.size())) {
            after = evolve(after, e);
        }
        events.addAll(RESTORE.equals(kind) ? restore(after, after.active(), at, "")
                : promote(after, after.active(), at, false));
        return events;
    }

    /** Promotes the best qualifying standby; blocks, or once the wait is over, takes the most advanced. */
    private List<FailoverEvent> promote(InstanceHealth s, Failover f, Instant at, boolean waited) {
        List<Node> healthy = s.nodes().stream()
                .filter(n -> n.status() == Status.HEALTHY && n.role() == Role.STANDBY
                        && !n.nodeId().equals(f.failedNodeId()))
                .toList();
        long budget = policy.lagBudget(s.tier());
        Comparator<Node> best = Comparator.comparingLong(Node::position).reversed()
                .thenComparing(n -> f.failedZone() != null && f.failedZone().equals(n.zone()))
                .thenComparing(Node::nodeId);
        Optional<Node> qualified = healthy.stream()
                .filter(n -> lag(f, n) <= budget && stable(n, at))
                .min(best);
        // Once the wait is over, the most advanced standby, unless a restore would lose less.
        long restorable = s.restorePoint() == null ? 0 : s.restorePoint().lastArchivedPosition();
        Optional<Node> chosen = qualified.isPresent() || !waited ? qualified
                : healthy.stream().filter(n -> n.position() > 0 && n.position() >= restorable).min(best);
        if (chosen.isEmpty()) {
            if (waited) {
                return restore(s, f, at, "no standby qualified within " + policy.catchUpWait().toSeconds()
                        + " s and none is ahead of the last archived point; restoring from backup");
            }
            if ("BLOCKED".equals(f.state())) {
                return List.of(); // still waiting; already said why
            }
            String why = healthy.isEmpty() ? "no healthy standby" + describe(s, f)
                    : "no standby within the " + s.tier() + " lag budget of " + budget + " bytes: " + healthy.stream()
                            .sorted(best).map(n -> n.nodeId() + " is " + lag(f, n) + " bytes behind"
                                    + (stable(n, at) ? "" : " and recovered only at " + n.healthySince()))
                            .collect(Collectors.joining(", "));
            return List.of(new Blocked(f.failoverId(), why, at.plus(policy.catchUpWait())));
        }
        Node n = chosen.get();
        long epoch = s.epoch() + 1;
        long lag = lag(f, n);
        List<FailoverEvent> events = new ArrayList<>();
        events.add(new Promoted(f.failoverId(), n.nodeId(), epoch, n.position(), f.failedNodeId(), lag, at));
        events.add(new EndpointMoved(f.failoverId(), s.serviceHost(), f.failedIp(), n.ip()));
        Node failed = s.node(f.failedNodeId()).orElseThrow();
        events.add(replacement(s.withEpoch(epoch), f.failoverId(), failed, Role.STANDBY, epoch));
        return events;
    }

    /** A new node restores from the newest backup and archived logs; the epoch rises. */
    private static List<FailoverEvent> restore(InstanceHealth s, Failover f, Instant at, String why) {
        long epoch = s.epoch() + 1;
        Node failed = s.node(f.failedNodeId()).orElseThrow();
        ReplacementRequested r = replacement(s, f.failoverId(), failed, Role.PRIMARY, epoch);
        InstanceHealth.RestorePoint p = s.restorePoint();
        List<FailoverEvent> events = new ArrayList<>();
        if (!why.isEmpty()) {
            events.add(new Blocked(f.failoverId(), why, at));
        }
        events.add(r);
        events.add(new RestoreRequested(f.failoverId(), r.nodeId(), p == null ? null : p.latestBackupId(),
                p == null ? null : p.lastArchivedPosition(), p == null ? null : p.lastArchivedAt(), epoch));
        return events;
    }

    private static ReplacementRequested replacement(InstanceHealth s, String failoverId, Node lost, Role role,
            long epoch) {
        String id = s.instanceId() + "-r" + (s.replacements() + 1);
        return new ReplacementRequested(failoverId, lost.nodeId(), id, role, lost.zone(), s.region(), epoch);
    }

    private List<FailoverEvent> restoreDone(RestoreDone r, InstanceHealth s, Instant at) {
        Failover f = s.active();
        if (f == null || !"RESTORING".equals(f.state()) || !r.nodeId().equals(f.replacementNodeId())) {
            return List.of(new Ignored(r.nodeId(), "RestoreCompleted", 0, s.epoch(),
                    "no restore onto node " + r.nodeId() + " is in progress"));
        }
        Instant restoredAt = r.restoredAt() != null ? r.restoredAt() : at;
        Long window = f.restorePointAt() == null ? null
                : Math.max(0, Duration.between(f.restorePointAt(), f.failedAt()).toMillis());
        String note = f.restorePointAt() == null
                ? "no backup existed to restore from: the instance restarted empty"
                : "writes after " + f.restorePointAt() + " (the last archived point) up to the failure at "
                        + f.failedAt() + " are lost";
        Node node = s.node(r.nodeId()).orElse(null);
        List<FailoverEvent> events = new ArrayList<>();
        events.add(new EndpointMoved(f.failoverId(), s.serviceHost(), f.failedIp(), node == null ? null : node.ip()));
        events.add(complete(s, f, restoredAt, r.nodeId(), window, note));
        return events;
    }

    private Completed complete(InstanceHealth s, Failover f, Instant at, String primary, Long lossWindow, String note) {
        long detection = Math.max(0, Duration.between(f.failedAt(), f.detectedAt()).toMillis());
        long promotion = Math.max(0, Duration.between(f.detectedAt(), at).toMillis());
        long unavailable = Math.max(0, Duration.between(f.failedAt(), at).toMillis());
        return new Completed(f.failoverId(), f.kind(), primary, s.epoch(), f.failedAt(), f.detectedAt(), at,
                detection, promotion, unavailable, f.dataLossBytes(), lossWindow, note);
    }

    // --- planned switchover ---

    /** A switchover to the named standby, or the most advanced within the lag budget; refused with the reason. */
    private List<FailoverEvent> switchover(RequestSwitchover r, InstanceHealth s, Instant at) {
        Failover f = s.active();
        if (f != null && f.switchover() != null && r.requestId().equals(f.switchover().requestId())) {
            return List.of(); // the same request again
        }
        String id = r.instanceId();
        String refusal = null;
        Optional<Node> primary = s.nodes().stream()
                .filter(n -> n.role() == Role.PRIMARY && n.status() == Status.HEALTHY).findFirst();
        Optional<Node> target = Optional.empty();
        if (!s.tracked()) {
            refusal = "instance " + id + " is unknown to failover-service";
        } else if (s.deleted()) {
            refusal = "instance " + id + " is deleted";
        } else if (s.nodeCount() <= 1) {
            refusal = "instance " + id + " runs a single node (" + s.plan() + "): there is no standby to switch"
                    + " over to";
        } else if (f != null) {
            refusal = (f.plannedSwitchover() ? "switchover " : "failover ") + f.failoverId() + " is in progress ("
                    + f.state().toLowerCase(Locale.ROOT) + "); one at a time";
        } else if (primary.isEmpty()) {
            refusal = "the primary is not healthy" + nodesText(s, null) + ": a switchover needs it serving";
        } else if (r.targetNodeId() != null && !r.targetNodeId().isBlank()) {
            target = s.node(r.targetNodeId()).filter(n -> n.role() == Role.STANDBY && n.status() == Status.HEALTHY);
            if (target.isEmpty()) {
                refusal = "node " + r.targetNodeId() + " is not a healthy standby of " + id + nodesText(s, null);
            }
        } else {
            long budget = policy.lagBudget(s.tier());
            long primaryAt = primary.get().position();
            List<Node> healthy = s.nodes().stream()
                    .filter(n -> n.role() == Role.STANDBY && n.status() == Status.HEALTHY).toList();
            target = healthy.stream().filter(n -> primaryAt - n.position() <= budget && stable(n, at))
                    .min(Comparator.comparingLong(Node::position).reversed().thenComparing(Node::nodeId));
            if (target.isEmpty()) {
                refusal = healthy.isEmpty() ? "no healthy standby" + nodesText(s, primary.get().nodeId())
                        : "no standby within the " + s.tier() + " lag budget of " + budget + " bytes: "
                                + healthy.stream().map(n -> n.nodeId() + " is " + Math.max(0, primaryAt - n.position())
                                        + " bytes behind" + (stable(n, at) ? "" : " and recovered only at "
                                                + n.healthySince()))
                                        .collect(Collectors.joining(", "));
            }
        }
        if (refusal != null) {
            return List.of(new FailoverEvent.SwitchoverRejected(r.requestId(), refusal));
        }
        String switchoverId = id + "/switchover-" + (s.history().size() + 1) + "-" + at.toEpochMilli();
        return List.of(new FailoverEvent.SwitchoverStarted(switchoverId, primary.get().nodeId(), target.get().nodeId(),
                s.epoch(), r.operator(), r.requestId(), r.note() == null ? "" : r.note(), at,
                at.plus(policy.switchoverTimeout())));
    }

    /** The data plane prepared the switchover: the target is promoted, nothing lost, and the endpoint moves. */
    private static List<FailoverEvent> prepared(FailoverCommand.SwitchoverPrepared p, InstanceHealth s, Instant at) {
        Failover f = s.active();
        if (f == null || !f.plannedSwitchover() || !f.failoverId().equals(p.switchoverId())
                || !"SWITCHING".equals(f.state())) {
            return List.of(new Ignored(p.toNodeId(), "SwitchoverPrepared", s.epoch(), s.epoch(), "no switchover "
                    + p.switchoverId() + " is being prepared" + (f == null ? "" : " (" + f.failoverId() + " is "
                            + f.state().toLowerCase(Locale.ROOT) + ")")));
        }
        Optional<Node> to = s.node(f.switchover().targetNodeId()).filter(Node::watched);
        if (to.isEmpty()) {
            return List.of(new FailoverEvent.SwitchoverAborted(f.failoverId(), "its target "
                    + f.switchover().targetNodeId() + " is no longer a healthy standby", at));
        }
        long epoch = s.epoch() + 1;
        return List.of(new Promoted(f.failoverId(), to.get().nodeId(), epoch, p.position(), f.failedNodeId(), 0, at),
                new EndpointMoved(f.failoverId(), s.serviceHost(), f.failedIp(), to.get().ip()));
    }

    /**
     * A command of the failover in progress failed on the data plane: a switchover still being
     * prepared is aborted with its reason; otherwise the failure is a phase of the failover (a
     * promotion that did not happen is declared lost by the confirmation timeout).
     */
    private static List<FailoverEvent> commandFailed(FailoverCommand.CommandFailed c, InstanceHealth s, Instant at) {
        Failover f = s.active();
        if (f == null || c.correlatesWith() == null || !c.correlatesWith().equals(f.failoverId())) {
            return List.of(); // refused commands of no failover in progress: the data plane keeps its state
        }
        if (f.plannedSwitchover() && "SWITCHING".equals(f.state())) {
            return List.of(new FailoverEvent.SwitchoverAborted(f.failoverId(), "the data plane could not prepare it ("
                    + c.failure() + "): " + c.reason(), at));
        }
        return List.of(new FailoverEvent.CommandFailureRecorded(f.failoverId(), c.command(), c.failure(), c.reason(),
                at));
    }

    /** The primary a switchover in progress is moving away from: stopped on purpose, its silence is no loss. */
    private static boolean switchingAway(InstanceHealth s, Node n) {
        Failover f = s.active();
        return f != null && f.plannedSwitchover() && n.nodeId().equals(f.failedNodeId())
                && ("SWITCHING".equals(f.state()) || "PROMOTED".equals(f.state()));
    }

    // --- fenced nodes back ---

    /**
     * A fenced node follows the current primary at the current epoch: a standby again, in place of
     * its replacement if one was asked for (cancelled), or where the plan has room for it.
     */
    private static List<FailoverEvent> rejoin(InstanceHealth s, Node n, Heartbeat h, Instant at) {
        Optional<Node> replacement = s.nodes().stream()
                .filter(x -> n.nodeId().equals(x.replacesNodeId()) && x.role() != Role.PRIMARY
                        && x.status() != Status.LOST && x.status() != Status.FENCED)
                .findFirst();
        long serving = s.nodes().stream().filter(x -> x.status() != Status.LOST && x.status() != Status.FENCED)
                .count();
        if (replacement.isEmpty() && serving >= s.nodeCount()) {
            return List.of(); // its place is taken: it stays fenced
        }
        List<FailoverEvent> events = new ArrayList<>();
        events.add(new FailoverEvent.NodeRejoined(n.nodeId(), s.epoch(), n.ip(), n.zone(), h.position(), at));
        replacement.ifPresent(r -> events.add(new FailoverEvent.ReplacementCancelled(r.nodeId(), n.nodeId(),
                s.epoch(), "node " + n.nodeId() + " rejoined as a standby at epoch " + s.epoch()
                        + "; its replacement is not needed")));
        return events;
    }

    /** A fenced node was rewound: what it discarded is the measured loss of the failover that lost it. */
    private static List<FailoverEvent> rewound(FailoverCommand.NodeRewound r, InstanceHealth s, Instant at) {
        if (!s.tracked() || s.deleted()) {
            return List.of();
        }
        List<Failover> all = new ArrayList<>();
        if (s.active() != null) {
            all.add(s.active());
        }
        all.addAll(s.history());
        Optional<Failover> f = all.stream().filter(x -> r.nodeId().equals(x.failedNodeId())).findFirst();
        if (f.isEmpty() || f.get().measuredLoss() != null) {
            return List.of(); // no failover lost it, or measured once already
        }
        return List.of(new FailoverEvent.DataLossMeasured(f.get().failoverId(), r.nodeId(), r.discardedBytes(),
                r.divergedAt(), f.get().dataLossBytes(), r.method(), at));
    }

    /** The instance's nodes in short, but {@code except}: " (n2 standby healthy, n3 standby lost)". */
    private static String nodesText(InstanceHealth s, String except) {
        String nodes = s.nodes().stream().filter(n -> !n.nodeId().equals(except))
                .map(n -> n.nodeId() + " " + String.valueOf(n.role()).toLowerCase(Locale.ROOT) + " "
                        + n.status().name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        return nodes.isEmpty() ? "" : " (" + nodes + ")";
    }

    // --- time ---

    private List<FailoverEvent> checkTime(InstanceHealth s, Instant at) {
        List<FailoverEvent> events = new ArrayList<>();
        if (!s.tracked()) {
            return forgetUnknown(s, at);
        }
        for (Node n : s.nodes()) {
            if (n.status() == Status.HEALTHY && !n.watchSince().plus(policy.heartbeatTimeout()).isAfter(at)
                    && !switchingAway(s, n)) {
                Instant last = n.lastHeartbeatAt() != null ? n.lastHeartbeatAt() : n.watchSince();
                events.add(new Suspected(n.nodeId(), s.region(), last, Duration.between(last, at).toMillis()));
            }
        }
        Failover f = s.active();
        if (f != null && f.plannedSwitchover() && "SWITCHING".equals(f.state()) && f.waitUntil() != null
                && !f.waitUntil().isAfter(at)) {
            events.add(new FailoverEvent.SwitchoverAborted(f.failoverId(), "the data plane did not prepare it within "
                    + policy.switchoverTimeout().toSeconds() + " s; " + f.failedNodeId() + " stays primary", at));
        } else if (f != null && "BLOCKED".equals(f.state()) && f.waitUntil() != null && !f.waitUntil().isAfter(at)) {
            events.addAll(promote(s, f, at, true));
        } else if (f != null && "PROMOTED".equals(f.state())
                && !f.promotedAt().plus(policy.confirmTimeout()).isAfter(at)) {
            Optional<Node> promoted = s.node(f.promotedNodeId()).filter(Node::watched);
            if (promoted.isPresent() && events.stream().noneMatch(e -> e instanceof Suspected x
                    && x.nodeId().equals(promoted.get().nodeId()))) {
                events.addAll(lose(s, promoted.get(), "did not report itself primary at epoch " + s.epoch()
                        + " within " + policy.confirmTimeout().toSeconds() + " s of its promotion", "PROMOTION", at));
            }
        }
        return events;
    }

    /** When time next owes this instance a decision: a node's silence, a wait or a confirmation running out. */
    public Optional<Timer.Due<FailoverCommand>> due(String key, InstanceHealth s, Instant now) {
        if (s != null && !s.tracked() && !s.deleted() && !s.nodes().isEmpty()) {
            Instant forget = firstSignal(s).plus(policy.unknownInstanceGrace());
            return forget.isAfter(now) ? Optional.empty() : Optional.of(new Timer.Due<>(new CheckTime(key), forget));
        }
        if (s == null || !s.tracked() || s.deleted()) {
            return Optional.empty();
        }
        Instant next = null;
        for (Node n : s.nodes()) {
            if (n.status() == Status.HEALTHY && !switchingAway(s, n)) {
                next = earlier(next, n.watchSince().plus(policy.heartbeatTimeout()));
            }
        }
        Failover f = s.active();
        if (f != null && ("BLOCKED".equals(f.state()) || f.plannedSwitchover() && "SWITCHING".equals(f.state()))
                && f.waitUntil() != null) {
            next = earlier(next, f.waitUntil());
        }
        if (f != null && "PROMOTED".equals(f.state())) {
            next = earlier(next, f.promotedAt().plus(policy.confirmTimeout()));
        }
        return next != null && !next.isAfter(now) ? Optional.of(new Timer.Due<>(new CheckTime(key), next))
                : Optional.empty();
    }

    /**
     * Telemetry for an instance failover was never told of is kept for a grace period (a rebuild may
     * read a node's heartbeats before the instance's acceptance); after it, each node's signals are
     * dropped with the reason, and nothing of the instance is kept (hostile or mistaken telemetry
     * cannot grow the state, nor ever start a failover).
     */
    private List<FailoverEvent> forgetUnknown(InstanceHealth s, Instant at) {
        if (s.nodes().isEmpty() || firstSignal(s).plus(policy.unknownInstanceGrace()).isAfter(at)) {
            return List.of();
        }
        List<FailoverEvent> events = new ArrayList<>();
        for (Node n : everyNode(s)) {
            events.add(new Ignored(n.nodeId(), "NodeHeartbeat", n.epoch(), 0, "instance is unknown to failover-service:"
                    + " no acceptance within " + policy.unknownInstanceGrace().toMinutes() + " min of its first signal"
                    + " (" + firstSignal(s) + "); its telemetry is dropped"));
        }
        events.add(new FailoverEvent.Forgotten());
        return events;
    }

    private static Instant firstSignal(InstanceHealth s) {
        return everyNode(s).stream().map(Node::watchSince).filter(java.util.Objects::nonNull)
                .min(Instant::compareTo)
                .orElse(Instant.EPOCH);
    }

    /** The live nodes, then the forgotten lost ones. */
    private static List<Node> everyNode(InstanceHealth s) {
        List<Node> all = new ArrayList<>(s.nodes());
        all.addAll(s.forgottenLost());
        return all;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    /** The newest failover, in progress or done, whose failed (or switched-away) node is {@code nodeId}. */
    private static Optional<Failover> lastFailoverOf(InstanceHealth s, String nodeId) {
        if (s.active() != null && nodeId.equals(s.active().failedNodeId())) {
            return Optional.of(s.active());
        }
        return s.history().stream().filter(f -> nodeId.equals(f.failedNodeId())).findFirst();
    }

    private static long lag(Failover f, Node n) {
        return Math.max(0, f.primaryPosition() - n.position());
    }

    private boolean stable(Node n, Instant at) {
        return n.healthySince() == null || !n.healthySince().plus(policy.stability()).isAfter(at);
    }

    private static String describe(InstanceHealth s, Failover f) {
        String others = s.nodes().stream().filter(n -> !n.nodeId().equals(f.failedNodeId()))
                .map(n -> n.nodeId() + " " + n.status().name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        return others.isEmpty() ? "" : " (" + others + ")";
    }

    // --- evolve ---

    @Override
    public InstanceHealth evolve(InstanceHealth s, FailoverEvent event) {
        if (event instanceof Tracked t) {
            return s.tracking(t.instanceId(), t.region(), t.plan(), t.tier(), t.nodeCount(), t.serviceHost());
        }
        if (event instanceof PlanRecorded p) {
            return s.tracking(s.instanceId(), s.region(), p.plan(), p.tier(), p.nodeCount(), s.serviceHost());
        }
        if (event instanceof NodesRecorded r) {
            List<Node> nodes = new ArrayList<>(s.nodes());
            List<Node> forgotten = new ArrayList<>(s.forgottenLost());
            for (PlannedNode p : r.nodes()) {
                Optional<Node> known = s.node(p.nodeId());
                if (known.isEmpty()) {
                    nodes.add(new Node(p.nodeId(), p.role(), p.zone(), p.ip(), Status.HEALTHY, null, r.at(), null,
                            0, s.epoch(), List.of()));
                } else if (known.get().ip() == null && p.ip() != null) {
                    Node k = known.get();
                    UnaryOperator<Node> addressed = n -> n.nodeId().equals(p.nodeId())
                            ? new Node(k.nodeId(), k.role() == null ? p.role() : k.role(), p.zone(), p.ip(),
                                    k.status(), k.lastHeartbeatAt(), k.watchSince(), k.healthySince(), k.position(),
                                    k.epoch(), k.minorFailures(), k.replacesNodeId())
                            : n;
                    nodes.replaceAll(addressed);
                    forgotten.replaceAll(addressed);
                }
            }
            return s.withNodes(nodes).withForgottenLost(forgotten);
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
            if (s.node(h.nodeId()).isEmpty()) {
                List<Node> nodes = new ArrayList<>(s.nodes());
                nodes.add(new Node(h.nodeId(), h.role(), null, null, Status.HEALTHY, h.at(), h.at(), null,
                        h.position(), h.epoch(), List.of()));
                return s.withNodes(nodes);
            }
            return s.withNode(h.nodeId(), n -> {
                boolean back = n.status() == Status.SUSPECTED || n.status() == Status.PENDING;
                Instant last = n.lastHeartbeatAt() == null || h.at().isAfter(n.lastHeartbeatAt()) ? h.at()
                        : n.lastHeartbeatAt();
                Instant watch = n.watchSince() == null || last.isAfter(n.watchSince()) ? last : n.watchSince();
                return new Node(n.nodeId(), n.role() == null ? h.role() : n.role(), n.zone(), n.ip(), Status.HEALTHY,
                        last, watch, back && n.status() == Status.SUSPECTED ? h.at() : n.healthySince(),
                        Math.max(n.position(), h.position()), h.epoch(), n.minorFailures(), n.replacesNodeId());
            });
        }
        if (event instanceof MinorFailureRecorded m) {
            return s.withNode(m.nodeId(), n -> {
                List<Instant> minors = new ArrayList<>(n.minorFailures().stream()
                        .filter(t -> !t.isBefore(m.at().minus(policy.minorWindow()))).toList());
                minors.add(m.at());
                return new Node(n.nodeId(), n.role(), n.zone(), n.ip(), n.status(), n.lastHeartbeatAt(),
                        n.watchSince(), n.healthySince(), n.position(), n.epoch(), List.copyOf(minors),
                        n.replacesNodeId());
            });
        }
        if (event instanceof RestorePointRecorded p) {
            return s.withRestorePoint(new InstanceHealth.RestorePoint(p.lastArchivedAt(), p.lastArchivedPosition(),
                    p.latestBackupId()));
        }
        if (event instanceof ReplacementUp u) {
            InstanceHealth up = s.withNode(u.nodeId(), n -> new Node(n.nodeId(), n.role(), u.zone(),
                    u.ip(), Status.HEALTHY, n.lastHeartbeatAt(), u.at(), null, n.position(),
                    n.epoch(), n.minorFailures(), n.replacesNodeId()));
            // the node it replaces, if that one is lost, leaves the live nodes
            String replaced = up.node(u.nodeId()).map(Node::replacesNodeId).orElse(null);
            return replaced == null ? up : up.forget(replaced);
        }
        if (event instanceof SuspicionCleared c) {
            return s.withNode(c.nodeId(), n -> new Node(n.nodeId(), n.role(), n.zone(), n.ip(), Status.HEALTHY,
                    n.lastHeartbeatAt(), c.at(), n.healthySince(), n.position(), n.epoch(), n.minorFailures(),
                    n.replacesNodeId()));
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
        if (event instanceof Started st) {
            InstanceHealth base = s;
            if (s.active() != null) {
                base = s.finish(s.active().withState("SUPERSEDED")
                        .phase("SUPERSEDED", st.detectedAt(), "node " + st.failedNodeId() + " was lost too"));
            }
            Node failed = s.node(st.failedNodeId()).orElseThrow();
            Failover f = new Failover(st.failoverId(), st.kind(), "STARTED", st.failedNodeId(), failed.zone(),
                    failed.ip(), st.reason(), st.detectedBy(), st.failedAt(), st.detectedAt(), s.highestPosition(),
                    null, null, null, null, null, st.epoch(), st.epoch(), 0, null, null, null, null, null, "",
                    List.of());
            return base.withActive(f.phase("STARTED", st.detectedAt(), st.reason()));
        }
        if (event instanceof Blocked b) {
            return s.active() == null ? s
                    : s.withActive(s.active().blocked(b.waitUntil()).phase("BLOCKED", b.waitUntil(), b.reason()));
        }
        if (event instanceof Promoted p) {
            InstanceHealth after = s.withEpoch(p.epoch()).withEveryNode(n -> n.nodeId()
                    .equals(p.nodeId()) ? n.withRole(Role.PRIMARY)
                    : n.role() == Role.PRIMARY ? n.withRole(Role.STANDBY) : n);
            return s.active() == null ? after : after.withActive(s.active()
                    .promoted(p.nodeId(), p.at(), p.epoch(), p.lagBytes())
                    .phase("PROMOTED", p.at(), p.nodeId() + " at epoch " + p.epoch() + ", " + p.lagBytes()
                            + " bytes behind"));
        }
        if (event instanceof EndpointMoved m) {
            return s.withActivePhase("ENDPOINT_MOVED", null, m.serviceHost() + ": " + m.fromIp() + " -> " + m.toIp());
        }
        if (event instanceof ReplacementRequested r) {
            List<Node> nodes = new ArrayList<>(s.nodes());
            nodes.add(new Node(r.nodeId(), r.role(), r.zone(), null, Status.PENDING, null, null, null, 0, r.epoch(),
                    List.of(), r.replacesNodeId()));
            InstanceHealth after = s.withNodes(nodes).withReplacements(s.replacements() + 1);
            return r.failoverId() == null || after.active() == null ? after
                    : after.withActive(after.active().replacedBy(r.nodeId()))
                            .withActivePhase("REPLACEMENT_REQUESTED", null, r.nodeId() + " replaces " + r.replacesNodeId());
        }
        if (event instanceof RestoreRequested r) {
            InstanceHealth after = s.withEpoch(r.epoch());
            return after.active() == null ? after : after.withActive(after.active()
                    .restoring(r.nodeId(), r.restorePointAt(), r.epoch())
                    .phase("RESTORE_REQUESTED", null, "backup " + r.backupId() + " up to position " + r.targetPosition()));
        }
        if (event instanceof Completed c) {
            if (s.active() == null) {
                return s;
            }
            Failover done = s.active();
            InstanceHealth after = s.finish(done.completed(c).phase("COMPLETED", c.completedAt(), c.note()));
            // the old primary of a switchover follows the new one: its silence counts from now on
            return done.plannedSwitchover() ? after.withNode(done.failedNodeId(), n -> n.watchedFrom(c.completedAt()))
                    : after;
        }
        if (event instanceof FailoverEvent.SwitchoverStarted st) {
            Node from = s.node(st.fromNodeId()).orElseThrow();
            String why = "planned switchover to " + st.toNodeId() + ", asked by " + st.requestedBy()
                    + (st.note().isBlank() ? "" : ": " + st.note());
            Failover f = new Failover(st.switchoverId(), SWITCHOVER, "SWITCHING", from.nodeId(), from.zone(),
                    from.ip(), why, "OPERATOR", st.at(), st.at(), from.position(), st.timeoutAt(), null, null, null,
                    null, st.epoch(), st.epoch(), 0, null, null, null, null, null, "", List.of())
                    .withSwitchover(new InstanceHealth.Switchover(st.toNodeId(), st.requestId(), st.requestedBy()));
            return s.withActive(f.phase("SWITCHOVER_STARTED", st.at(), from.nodeId() + " -> " + st.toNodeId()
                    + " at epoch " + st.epoch()));
        }
        if (event instanceof FailoverEvent.SwitchoverAborted a) {
            Failover f = s.active();
            if (f == null || !f.failoverId().equals(a.switchoverId())) {
                return s;
            }
            return s.finish(f.aborted(a.at(), a.reason()).phase("ABORTED", a.at(), a.reason()))
                    .withNode(f.failedNodeId(), n -> n.watchedFrom(a.at())); // it serves on: silence counts afresh
        }
        if (event instanceof FailoverEvent.NodeRejoined j) {
            InstanceHealth after = s.withNode(j.nodeId(), n -> new Node(n.nodeId(), Role.STANDBY,
                    j.zone() != null ? j.zone() : n.zone(), j.ip() != null ? j.ip() : n.ip(), Status.HEALTHY, j.at(),
                    j.at(), j.at(), j.position(), j.epoch(), n.minorFailures(), n.replacesNodeId()));
            return lastFailoverOf(after, j.nodeId()).map(f -> after.withFailover(f.failoverId(),
                    x -> x.phase("REJOINED", j.at(), j.nodeId() + " is a standby again at epoch " + j.epoch())))
                    .orElse(after);
        }
        if (event instanceof FailoverEvent.ReplacementCancelled c) {
            InstanceHealth after = s.withNodes(s.nodes().stream().filter(n -> !n.nodeId().equals(c.nodeId())).toList())
                    .withRetired(c.nodeId());
            return lastFailoverOf(after, c.replacesNodeId()).filter(f -> c.nodeId().equals(f.replacementNodeId()))
                    .map(f -> after.withFailover(f.failoverId(), x -> x.phase("REPLACEMENT_CANCELLED", null,
                            c.nodeId() + ": " + c.reason())))
                    .orElse(after);
        }
        if (event instanceof FailoverEvent.DataLossMeasured d) {
            return s.withFailover(d.failoverId(), f -> f.withMeasuredLoss(new InstanceHealth.MeasuredLoss(d.nodeId(),
                    d.lostBytes(), d.divergedAt(), d.estimatedBytes(), d.method(), d.at()))
                    .phase("DATA_LOSS_MEASURED", d.at(), d.nodeId() + " discarded " + d.lostBytes() + " bytes past "
                            + d.divergedAt() + " (" + d.method() + "); estimated " + d.estimatedBytes()));
        }
        if (event instanceof FailoverEvent.CommandFailureRecorded c) {
            return s.withFailover(c.failoverId(), f -> f.phase("DATA_PLANE_FAILED", c.at(), c.command() + " "
                    + c.failure() + ": " + c.reason()));
        }
        return s; // Recovered, RestartRequested, Ignored, RegionNodes, SwitchoverRejected: nothing to remember
    }
}
