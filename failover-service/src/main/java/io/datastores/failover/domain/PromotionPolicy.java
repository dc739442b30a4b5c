package io.datastores.failover.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import io.datastores.failover.domain.FailoverCommand.Heartbeat;
import io.datastores.failover.domain.FailoverEvent.Blocked;
import io.datastores.failover.domain.FailoverEvent.EndpointMoved;
import io.datastores.failover.domain.FailoverEvent.Lost;
import io.datastores.failover.domain.FailoverEvent.Promoted;
import io.datastores.failover.domain.FailoverEvent.Started;
import io.datastores.failover.domain.InstanceHealth.Failover;
import io.datastores.failover.domain.InstanceHealth.Node;
import io.datastores.failover.domain.InstanceHealth.Status;
import io.datastores.kit.decider.Decider;

/**
 * Promotion: a lost node is replaced, and a lost primary failed over. Among healthy, stable
 * standbys within the tier's lag budget, the highest position wins; ties go to a zone away from the
 * lost primary, then to the smaller node id. The epoch rises, the endpoint moves, a replacement is
 * asked for; the failover is complete when the new primary reports itself at the new epoch, and
 * its promoted node is lost in turn when it does not within {@code confirmTimeout}. When none
 * qualifies the failover is blocked, says why, and after {@code catchUpWait} promotes the most
 * advanced standby with the loss reported; with no standby at all it restores from backup. A standby
 * whose address the data plane has not reported yet is never promoted: the endpoint would have
 * nowhere to go.
 */
final class PromotionPolicy {

    private final FailoverPolicy policy;
    private final Decider<FailoverCommand, InstanceHealth, FailoverEvent> decider;

    PromotionPolicy(FailoverPolicy policy,
            Decider<FailoverCommand, InstanceHealth, FailoverEvent> decider) {
        this.policy = policy;
        this.decider = decider;
    }

    /** {@code node} is lost: replace it, and fail over when it was the primary. */
    List<FailoverEvent> lose(InstanceHealth s, Node node, String reason, DetectionSource detectedBy,
            Instant at) {
        Instant failedAt = node.lastHeartbeatAt() != null ? node.lastHeartbeatAt() : at;
        List<FailoverEvent> events = new ArrayList<>();
        Failover switching = s.active();
        if (switching != null && switching.plannedSwitchover()
                && switching.state() == FailoverState.SWITCHING) {
            FailoverEvent.SwitchoverAborted abort = new FailoverEvent.SwitchoverAborted(
                    switching.failoverId(), "node " + node.nodeId()
                            + " was lost while it was prepared: " + reason, at);
            events.add(abort);
            s = decider.evolve(s, abort);
        }
        events.add(new Lost(node.nodeId(), reason, detectedBy, s.epoch(), failedAt));
        if (node.role() != Role.PRIMARY) {
            events.add(Failovers.replacement(s, null, node, Role.STANDBY, s.epoch()));
            return events;
        }
        String failoverId = s.instanceId() + "/failover-"
                + (s.history().size() + (s.active() == null ? 1 : 2)) + "-" + at.toEpochMilli();
        boolean hasStandby = s.nodes().stream().anyMatch(n -> !n.nodeId().equals(node.nodeId())
                && n.role() == Role.STANDBY && n.status() != Status.LOST
                && n.status() != Status.FENCED);
        FailoverKind kind = s.nodeCount() <= 1 || !hasStandby ? FailoverKind.RESTORE
                : FailoverKind.PROMOTION;
        events.add(new Started(failoverId, node.nodeId(), kind, reason, detectedBy, failedAt, at,
                s.epoch()));
        InstanceHealth after = decider.fold(s, events.subList(events.size() - 2, events.size()));
        events.addAll(kind == FailoverKind.RESTORE
                ? Restore.restore(after, after.active(), at, "")
                : promote(after, after.active(), at, false));
        return events;
    }

    /** Promotes the best qualifying standby; blocks, or after the wait takes the most advanced. */
    List<FailoverEvent> promote(InstanceHealth s, Failover f, Instant at, boolean waited) {
        // a standby whose address is not known yet (a replacement heard before the data plane said
        // where it is) cannot take the endpoint
        List<Node> healthy = s.nodes().stream()
                .filter(n -> n.status() == Status.HEALTHY && n.role() == Role.STANDBY
                        && !n.nodeId().equals(f.failedNodeId()) && n.ip() != null)
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
                : healthy.stream().filter(n -> n.position() > 0 && n.position() >= restorable)
                        .min(best);
        if (chosen.isEmpty()) {
            if (waited) {
                return Restore.restore(s, f, at, "no standby qualified within "
                        + policy.catchUpWait().toSeconds() + " s and none is ahead of the last"
                        + " archived point; restoring from backup");
            }
            if (f.state() == FailoverState.BLOCKED) {
                return List.of(); // still waiting; already said why
            }
            String why = healthy.isEmpty() ? "no healthy standby" + describe(s, f)
                    : "no standby within the " + s.tier() + " lag budget of " + budget + " bytes: "
                            + healthy.stream().sorted(best)
                                    .map(n -> n.nodeId() + " is " + lag(f, n) + " bytes behind"
                                            + (stable(n, at) ? "" : " and recovered only at "
                                                    + n.healthySince()))
                                    .collect(Collectors.joining(", "));
            return List.of(new Blocked(f.failoverId(), why, at.plus(policy.catchUpWait())));
        }
        Node n = chosen.get();
        long epoch = s.epoch() + 1;
        long lag = lag(f, n);
        List<FailoverEvent> events = new ArrayList<>();
        events.add(new Promoted(f.failoverId(), n.nodeId(), epoch, n.position(), f.failedNodeId(),
                lag, at));
        events.add(new EndpointMoved(f.failoverId(), s.serviceHost(), f.failedIp(), n.ip()));
        Node failed = s.node(f.failedNodeId()).orElseThrow();
        events.add(Failovers.replacement(s.withEpoch(epoch), f.failoverId(), failed, Role.STANDBY,
                epoch));
        return events;
    }

    /**
     * After a heartbeat {@code h} was recorded ({@code after}): the promoted node reporting itself
     * primary at the new epoch completes its failover; a blocked failover tries again.
     */
    List<FailoverEvent> heard(InstanceHealth after, Heartbeat h, Instant at) {
        Failover f = after.active();
        if (f != null && f.state() == FailoverState.PROMOTED
                && h.nodeId().equals(f.promotedNodeId())
                && h.role() == Role.PRIMARY && h.epoch() == after.epoch()) {
            String note = f.plannedSwitchover()
                    ? "planned switchover from " + f.failedNodeId() + ": nothing lost"
                    : f.dataLossBytes() > 0
                            ? "promoted " + f.dataLossBytes() + " bytes behind the lost primary"
                            : "";
            return List.of(Failovers.complete(after, f, at, f.promotedNodeId(), null, note));
        }
        if (f != null && f.state() == FailoverState.BLOCKED) {
            return promote(after, f, at, false);
        }
        return List.of();
    }

    /**
     * The promoted node did not report itself primary within {@code confirmTimeout}: lost in turn,
     * unless it is no longer watched or its silence is suspected at the same moment.
     */
    List<FailoverEvent> unconfirmed(InstanceHealth s, Failover f, Instant at,
            boolean suspectedNow) {
        Optional<Node> promoted = s.node(f.promotedNodeId()).filter(Node::watched);
        if (promoted.isEmpty() || suspectedNow) {
            return List.of();
        }
        return lose(s, promoted.get(), "did not report itself primary at epoch " + s.epoch()
                + " within " + policy.confirmTimeout().toSeconds() + " s of its promotion",
                DetectionSource.PROMOTION, at);
    }

    /** Whether {@code n} has been heard continuously for the stability period (hysteresis). */
    boolean stable(Node n, Instant at) {
        return n.healthySince() == null || !n.healthySince().plus(policy.stability()).isAfter(at);
    }

    private static long lag(Failover f, Node n) {
        return Math.max(0, f.primaryPosition() - n.position());
    }

    private static String describe(InstanceHealth s, Failover f) {
        String others = s.nodes().stream().filter(n -> !n.nodeId().equals(f.failedNodeId()))
                .map(n -> n.nodeId() + " " + n.status().name().toLowerCase(Locale.ROOT)
                        + (n.ip() == null ? " without a known address" : ""))
                .collect(Collectors.joining(", "));
        return others.isEmpty() ? "" : " (" + others + ")";
    }
}
