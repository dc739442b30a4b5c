package io.datastores.failover.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.datastores.failover.domain.FailoverCommand.Heartbeat;
import io.datastores.failover.domain.FailoverEvent.Fenced;
import io.datastores.failover.domain.InstanceHealth.Failover;
import io.datastores.failover.domain.InstanceHealth.Node;
import io.datastores.failover.domain.InstanceHealth.Status;

/**
 * Fencing: a node claiming primary at an older epoch, a standby claiming primary beside the
 * primary, or a lost node coming back, is fenced once (demoted, and rebuilt as a new standby). A
 * fenced node heard as a standby at the current epoch rejoins (its replacement, if any, is
 * cancelled); when it was a failover's lost primary, the bytes the data plane discarded rewinding
 * it are that failover's measured data loss.
 */
final class Fencing {

    private Fencing() {
    }

    /**
     * What a heartbeat of the known node {@code n} decides when it comes from a node fenced, lost,
     * or claiming a role it does not have; empty when the heartbeat is a sign of life to record.
     */
    static Optional<List<FailoverEvent>> heard(InstanceHealth s, Node n, Heartbeat h, Instant at) {
        if (n.status() == Status.FENCED) {
            // fenced once; the data plane rebuilds it, and it is back when it follows the primary
            return Optional.of(h.role() == Role.STANDBY && h.epoch() == s.epoch()
                    ? rejoin(s, n, h, at) : List.of());
        }
        if (n.status() == Status.LOST) {
            return Optional.of(List.of(new Fenced(n.nodeId(), h.epoch(), s.epoch(), "node "
                    + n.nodeId() + " was declared lost and replaced; it came back claiming "
                    + h.role() + " at epoch " + h.epoch() + " while the instance is at epoch "
                    + s.epoch())));
        }
        Failover current = s.active();
        if (Switchover.switchingAway(s, n) && h.role() == Role.PRIMARY && h.epoch() < s.epoch()
                && current.promotedAt() != null && !at.isAfter(current.promotedAt())) {
            // the old primary's last beat before it was stopped, read after the promotion
            return Optional.of(List.of());
        }
        if (h.role() == Role.PRIMARY && h.epoch() < s.epoch()) {
            return Optional.of(fence(s, n, h.epoch(), "node " + n.nodeId() + " claims PRIMARY at"
                    + " epoch " + h.epoch() + " but epoch " + s.epoch() + " was issued since"
                    + s.primary().map(p -> " (primary: " + p.nodeId() + ")").orElse("")));
        }
        if (h.role() == Role.PRIMARY && n.role() == Role.STANDBY && s.primary().isPresent()) {
            return Optional.of(fence(s, n, h.epoch(), "node " + n.nodeId() + " claims PRIMARY but "
                    + s.primary().get().nodeId() + " is primary at epoch " + s.epoch()));
        }
        return Optional.empty();
    }

    /** A live node claiming a role it does not have: demoted, and rebuilt as a new standby. */
    private static List<FailoverEvent> fence(InstanceHealth s, Node n, long nodeEpoch,
            String reason) {
        return List.of(new Fenced(n.nodeId(), nodeEpoch, s.epoch(), reason),
                Failovers.replacement(s, null, n, Role.STANDBY, s.epoch()));
    }

    /**
     * A fenced node follows the current primary at the current epoch: a standby again, in place of
     * its replacement if one was asked for (cancelled), or where the plan has room for it.
     */
    private static List<FailoverEvent> rejoin(InstanceHealth s, Node n, Heartbeat h, Instant at) {
        Optional<Node> replacement = s.nodes().stream()
                .filter(x -> n.nodeId().equals(x.replacesNodeId()) && x.role() != Role.PRIMARY
                        && x.status() != Status.LOST && x.status() != Status.FENCED)
                .findFirst();
        long serving = s.nodes().stream()
                .filter(x -> x.status() != Status.LOST && x.status() != Status.FENCED)
                .count();
        if (replacement.isEmpty() && serving >= s.nodeCount()) {
            return List.of(); // its place is taken: it stays fenced
        }
        List<FailoverEvent> events = new ArrayList<>();
        events.add(new FailoverEvent.NodeRejoined(n.nodeId(), s.epoch(), n.ip(), n.zone(),
                h.position(), at));
        replacement.ifPresent(r -> events.add(new FailoverEvent.ReplacementCancelled(r.nodeId(),
                n.nodeId(), s.epoch(), "node " + n.nodeId() + " rejoined as a standby at epoch "
                        + s.epoch() + "; its replacement is not needed")));
        return events;
    }

    /** A fenced node was rewound: what it discarded is the measured loss of its failover. */
    static List<FailoverEvent> rewound(FailoverCommand.NodeRewound r, InstanceHealth s,
            Instant at) {
        if (!s.tracked() || s.deleted()) {
            return List.of();
        }
        List<Failover> all = new ArrayList<>();
        if (s.active() != null) {
            all.add(s.active());
        }
        all.addAll(s.history());
        Optional<Failover> f = all.stream().filter(x -> r.nodeId().equals(x.failedNodeId()))
                .findFirst();
        if (f.isEmpty() || f.get().measuredLoss() != null) {
            return List.of(); // no failover lost it, or measured once already
        }
        return List.of(new FailoverEvent.DataLossMeasured(f.get().failoverId(), r.nodeId(),
                r.discardedBytes(), r.divergedAt(), f.get().dataLossBytes(), r.method(), at));
    }
}
