package io.datastores.failover.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.datastores.failover.domain.FailoverCommand.ConfirmLoss;
import io.datastores.failover.domain.FailoverCommand.Diagnose;
import io.datastores.failover.domain.FailoverCommand.DismissSuspicion;
import io.datastores.failover.domain.FailoverCommand.Heartbeat;
import io.datastores.failover.domain.FailoverCommand.ReportFailure;
import io.datastores.failover.domain.FailoverEvent.HeartbeatRecorded;
import io.datastores.failover.domain.FailoverEvent.Ignored;
import io.datastores.failover.domain.FailoverEvent.MinorFailureRecorded;
import io.datastores.failover.domain.FailoverEvent.Recovered;
import io.datastores.failover.domain.FailoverEvent.RestartRequested;
import io.datastores.failover.domain.FailoverEvent.Suspected;
import io.datastores.failover.domain.FailoverEvent.SuspicionCleared;
import io.datastores.failover.domain.InstanceHealth.Node;
import io.datastores.failover.domain.InstanceHealth.Status;
import io.datastores.kit.decider.Decider;

/**
 * Detection. A node silent for the heartbeat timeout is <i>suspected</i>; its loss waits for the
 * region's guard ({@link RegionGuardDecider}), which confirms it or holds it. A SEVERE
 * self-diagnosis or a {@code NodeFailed} from another service is a loss at once, of a node
 * provisioning asked for and not yet up too ({@link InstanceHealth.Node#expected()}). MINOR diagnostics
 * restart the node in place, until {@code minorLimit} of them in {@code minorWindow} count as a
 * loss. A heartbeat is a sign of life: recorded, unless it comes from a node to fence
 * ({@link Fencing}), or is no newer than the last one heard.
 */
final class Detection {

    private final FailoverPolicy policy;
    private final PromotionPolicy promotion;
    private final Decider<FailoverCommand, InstanceHealth, FailoverEvent> decider;

    Detection(FailoverPolicy policy, PromotionPolicy promotion,
            Decider<FailoverCommand, InstanceHealth, FailoverEvent> decider) {
        this.policy = policy;
        this.promotion = promotion;
        this.decider = decider;
    }

    List<FailoverEvent> heartbeat(Heartbeat h, InstanceHealth s, Instant at) {
        Optional<Node> known = s.node(h.nodeId());
        if (known.isEmpty() && s.retired().contains(h.nodeId())) {
            return List.of(new Ignored(h.nodeId(), "NodeHeartbeat", h.epoch(), s.epoch(), "node "
                    + h.nodeId() + " was removed from the instance (decommissioned, or a cancelled"
                    + " replacement): a late heartbeat changes nothing"));
        }
        if (known.isEmpty()) {
            // The data plane may know a node before provisioning's event: watch it from now.
            return List.of(new HeartbeatRecorded(h.nodeId(), h.role(), h.position(), h.epoch(),
                    at));
        }
        Node n = known.get();
        if (n.lastHeartbeatAt() != null && !at.isAfter(n.lastHeartbeatAt())) {
            return List.of(); // no newer than the last one heard: a re-delivery or a replay
        }
        Optional<List<FailoverEvent>> fenced = Fencing.heard(s, n, h, at);
        if (fenced.isPresent()) {
            return fenced.get();
        }
        List<FailoverEvent> events = new ArrayList<>();
        if (h.epoch() > s.epoch() && n.epoch() != h.epoch()) {
            events.add(new Ignored(n.nodeId(), "NodeHeartbeat", h.epoch(), s.epoch(), "epoch "
                    + h.epoch() + " was never issued (current " + s.epoch() + "); the heartbeat"
                    + " counts as a sign of life only"));
        }
        events.add(new HeartbeatRecorded(h.nodeId(), h.role(), h.position(), h.epoch(), at));
        if (n.status() == Status.SUSPECTED) {
            events.add(new Recovered(n.nodeId(), s.region()));
        }
        if (s.active() != null) { // a heartbeat starts no failover: it can only move one on
            events.addAll(promotion.heard(decider.fold(s, events), h, at));
        }
        return events;
    }

    List<FailoverEvent> diagnose(Diagnose d, InstanceHealth s, Instant at) {
        Optional<Node> known = s.node(d.nodeId());
        if (known.isEmpty()) {
            return d.severity() != Severity.OK
                    ? List.of(new Ignored(d.nodeId(), "NodeDiagnosticsReported", 0, s.epoch(),
                            "no node " + d.nodeId() + " is known for this instance"))
                    : List.of();
        }
        Node n = known.get();
        if (!n.watched() && !(n.expected() && d.severity() == Severity.SEVERE)) {
            return List.of(); // not up yet, lost or fenced; a node asked for that fails at once is lost
        }
        if (d.severity() == Severity.SEVERE) {
            return promotion.lose(s, n, "self-diagnostics: " + d.detail(),
                    DetectionSource.DIAGNOSTICS, at);
        }
        if (d.severity() != Severity.MINOR || Switchover.switchingAway(s, n)) {
            return List.of(); // OK; or the primary a switchover stops on purpose
        }
        long recent = n.minorFailures().stream()
                .filter(t -> !t.isBefore(at.minus(policy.minorWindow()))).count();
        if (recent + 1 >= policy.minorLimit()) {
            return promotion.lose(s, n, (recent + 1) + " minor failures within "
                    + policy.minorWindow().toMinutes() + " min (last: " + d.detail() + ")",
                    DetectionSource.DIAGNOSTICS, at);
        }
        return List.of(new MinorFailureRecorded(n.nodeId(), at), new RestartRequested(n.nodeId(),
                s.epoch(), "minor failure, restarted in place: " + d.detail()));
    }

    List<FailoverEvent> report(ReportFailure r, InstanceHealth s, Instant at) {
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
                    "node " + r.nodeId() + " is already "
                            + n.status().name().toLowerCase(Locale.ROOT)
                            + "; its failure was handled once"));
        }
        if (r.epoch() > 0 && r.epoch() < s.epoch()) {
            return List.of(new Ignored(r.nodeId(), "NodeFailed", r.epoch(), s.epoch(), "the report"
                    + " names epoch " + r.epoch() + " but the instance is at epoch " + s.epoch()
                    + ": it describes an earlier topology"));
        }
        if (n.status() == Status.PENDING && !n.expected()) {
            return List.of(new Ignored(r.nodeId(), "NodeFailed", r.epoch(), s.epoch(),
                    "node " + r.nodeId() + " is a replacement not yet up"));
        }
        return promotion.lose(s, n, r.reason(), DetectionSource.PLATFORM, at);
    }

    /** The region's guard confirmed a suspicion: the node is lost. */
    List<FailoverEvent> confirmLoss(ConfirmLoss c, InstanceHealth s, Instant at) {
        Optional<Node> n = s.node(c.nodeId());
        return n.isPresent() && n.get().status() == Status.SUSPECTED
                ? promotion.lose(s, n.get(), "missed heartbeats: " + c.reason(),
                        DetectionSource.HEARTBEAT, at)
                : List.of();
    }

    /** An operator dismissed a held suspicion: the node's silence counts afresh. */
    static List<FailoverEvent> dismiss(DismissSuspicion d, InstanceHealth s, Instant at) {
        Optional<Node> n = s.node(d.nodeId());
        return n.isPresent() && n.get().status() == Status.SUSPECTED
                ? List.of(new SuspicionCleared(d.nodeId(), at)) : List.of();
    }

    /** The node {@code n} has been silent for the heartbeat timeout: suspected. */
    static Suspected suspect(InstanceHealth s, Node n, Instant at) {
        Instant last = n.lastHeartbeatAt() != null ? n.lastHeartbeatAt() : n.watchSince();
        return new Suspected(n.nodeId(), s.region(), last, Duration.between(last, at).toMillis());
    }
}
