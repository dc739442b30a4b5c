package io.datastores.failover.domain;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import io.datastores.failover.domain.FailoverCommand.RequestSwitchover;
import io.datastores.failover.domain.FailoverEvent.EndpointMoved;
import io.datastores.failover.domain.FailoverEvent.Ignored;
import io.datastores.failover.domain.FailoverEvent.Promoted;
import io.datastores.failover.domain.InstanceHealth.Failover;
import io.datastores.failover.domain.InstanceHealth.Node;
import io.datastores.failover.domain.InstanceHealth.Status;

/**
 * Planned switchover. An operator's request is refused with the reason, or starts a switchover (a
 * failover record of kind SWITCHOVER) to the named standby or the most advanced one within the lag
 * budget. The data plane prepares it (connections paused, the primary stopped, the target caught
 * up); then the target is promoted at a new epoch with nothing lost, the endpoint moves, and the
 * old primary stays as a standby. Its silence meanwhile is on purpose, not a loss. A data-plane
 * failure or {@code switchoverTimeout} aborts it.
 */
final class Switchover {

    private final FailoverPolicy policy;
    private final PromotionPolicy promotion;

    Switchover(FailoverPolicy policy, PromotionPolicy promotion) {
        this.policy = policy;
        this.promotion = promotion;
    }

    /** A switchover to the named standby, or the most advanced within the budget; or refused. */
    List<FailoverEvent> request(RequestSwitchover r, InstanceHealth s, Instant at) {
        Failover f = s.active();
        if (f != null && f.switchover() != null
                && r.requestId().equals(f.switchover().requestId())) {
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
            refusal = "instance " + id + " runs a single node (" + s.plan() + "): there is no"
                    + " standby to switch over to";
        } else if (f != null) {
            refusal = (f.plannedSwitchover() ? "switchover " : "failover ") + f.failoverId()
                    + " is in progress (" + f.state().name().toLowerCase(Locale.ROOT)
                    + "); one at a time";
        } else if (primary.isEmpty()) {
            refusal = "the primary is not healthy" + nodesText(s, null)
                    + ": a switchover needs it serving";
        } else if (r.targetNodeId() != null && !r.targetNodeId().isBlank()) {
            target = s.node(r.targetNodeId())
                    .filter(n -> n.role() == Role.STANDBY && n.status() == Status.HEALTHY);
            if (target.isEmpty()) {
                refusal = "node " + r.targetNodeId() + " is not a healthy standby of " + id
                        + nodesText(s, null);
            }
        } else {
            long budget = policy.lagBudget(s.tier());
            long primaryAt = primary.get().position();
            List<Node> healthy = s.nodes().stream()
                    .filter(n -> n.role() == Role.STANDBY && n.status() == Status.HEALTHY)
                    .toList();
            target = healthy.stream()
                    .filter(n -> primaryAt - n.position() <= budget && promotion.stable(n, at))
                    .min(Comparator.comparingLong(Node::position).reversed()
                            .thenComparing(Node::nodeId));
            if (target.isEmpty()) {
                refusal = healthy.isEmpty()
                        ? "no healthy standby" + nodesText(s, primary.get().nodeId())
                        : "no standby within the " + s.tier() + " lag budget of " + budget
                                + " bytes: " + healthy.stream().map(n -> n.nodeId() + " is "
                                        + Math.max(0, primaryAt - n.position()) + " bytes behind"
                                        + (promotion.stable(n, at) ? ""
                                                : " and recovered only at " + n.healthySince()))
                                        .collect(Collectors.joining(", "));
            }
        }
        if (refusal != null) {
            return List.of(new FailoverEvent.SwitchoverRejected(r.requestId(), refusal));
        }
        String switchoverId = id + "/switchover-" + (s.history().size() + 1) + "-"
                + at.toEpochMilli();
        return List.of(new FailoverEvent.SwitchoverStarted(switchoverId, primary.get().nodeId(),
                target.get().nodeId(), s.epoch(), r.operator(), r.requestId(),
                r.note() == null ? "" : r.note(), at, at.plus(policy.switchoverTimeout())));
    }

    /** The data plane prepared it: the target is promoted, nothing lost, and the endpoint moves. */
    static List<FailoverEvent> prepared(FailoverCommand.SwitchoverPrepared p, InstanceHealth s,
            Instant at) {
        Failover f = s.active();
        if (f == null || !f.plannedSwitchover() || !f.failoverId().equals(p.switchoverId())
                || f.state() != FailoverState.SWITCHING) {
            return List.of(new Ignored(p.toNodeId(), "SwitchoverPrepared", s.epoch(), s.epoch(),
                    "no switchover " + p.switchoverId() + " is being prepared" + (f == null ? ""
                            : " (" + f.failoverId() + " is "
                                    + f.state().name().toLowerCase(Locale.ROOT) + ")")));
        }
        Optional<Node> to = s.node(f.switchover().targetNodeId()).filter(Node::watched);
        if (to.isEmpty()) {
            return List.of(new FailoverEvent.SwitchoverAborted(f.failoverId(), "its target "
                    + f.switchover().targetNodeId() + " is no longer a healthy standby", at));
        }
        long epoch = s.epoch() + 1;
        return List.of(new Promoted(f.failoverId(), to.get().nodeId(), epoch, p.position(),
                        f.failedNodeId(), 0, at),
                new EndpointMoved(f.failoverId(), s.serviceHost(), f.failedIp(), to.get().ip()));
    }

    /**
     * A command of the failover in progress failed on the data plane: a switchover still being
     * prepared is aborted with its reason; otherwise the failure is a phase of the failover (a
     * promotion that did not happen is declared lost by the confirmation timeout).
     */
    static List<FailoverEvent> commandFailed(FailoverCommand.CommandFailed c, InstanceHealth s,
            Instant at) {
        Failover f = s.active();
        if (f == null || c.correlatesWith() == null
                || !c.correlatesWith().equals(f.failoverId())) {
            // refused commands of no failover in progress: the data plane keeps its state
            return List.of();
        }
        if (f.plannedSwitchover() && f.state() == FailoverState.SWITCHING) {
            return List.of(new FailoverEvent.SwitchoverAborted(f.failoverId(),
                    "the data plane could not prepare it (" + c.failure() + "): " + c.reason(),
                    at));
        }
        return List.of(new FailoverEvent.CommandFailureRecorded(f.failoverId(), c.command(),
                c.failure(), c.reason(), at));
    }

    /** Not prepared within {@code switchoverTimeout}: aborted, the primary serves on. */
    List<FailoverEvent> timedOut(Failover f, Instant at) {
        return List.of(new FailoverEvent.SwitchoverAborted(f.failoverId(), "the data plane did not"
                + " prepare it within " + policy.switchoverTimeout().toSeconds() + " s; "
                + f.failedNodeId() + " stays primary", at));
    }

    /** The primary a switchover moves away from: stopped on purpose, its silence no loss. */
    static boolean switchingAway(InstanceHealth s, Node n) {
        Failover f = s.active();
        return f != null && f.plannedSwitchover() && n.nodeId().equals(f.failedNodeId())
                && (f.state() == FailoverState.SWITCHING || f.state() == FailoverState.PROMOTED);
    }

    /** The nodes in short, but {@code except}: " (n2 standby healthy, n3 standby lost)". */
    static String nodesText(InstanceHealth s, String except) {
        String nodes = s.nodes().stream().filter(n -> !n.nodeId().equals(except))
                .map(n -> n.nodeId() + " " + String.valueOf(n.role()).toLowerCase(Locale.ROOT)
                        + " " + n.status().name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        return nodes.isEmpty() ? "" : " (" + nodes + ")";
    }
}
