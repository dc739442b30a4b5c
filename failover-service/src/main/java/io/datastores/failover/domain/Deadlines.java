package io.datastores.failover.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.datastores.failover.domain.FailoverCommand.CheckTime;
import io.datastores.failover.domain.InstanceHealth.Failover;
import io.datastores.failover.domain.InstanceHealth.Node;
import io.datastores.failover.domain.InstanceHealth.Status;
import io.datastores.kit.decider.Timer;

/**
 * Every time condition of an instance, each written once: a watched node's silence, a switchover's
 * timeout, a blocked failover's catch-up wait, a promotion's confirmation, and the grace an
 * unknown instance's telemetry is kept for. The timer ({@link #due}) and what a time check decides
 * ({@link FailoverDecider}) both derive from {@link #of(InstanceHealth)}.
 */
final class Deadlines {

    /** The rule a deadline belongs to. */
    enum Rule {
        /** An instance never accepted: its telemetry is dropped ({@link Forgetting}). */
        UNKNOWN_INSTANCE,
        /** A healthy node silent for the heartbeat timeout is suspected ({@link Detection}). */
        SILENCE,
        /** A switchover not prepared in time is aborted ({@link Switchover}). */
        SWITCHOVER_TIMEOUT,
        /** A blocked failover stops waiting and takes the best it can ({@link PromotionPolicy}). */
        CATCH_UP_WAIT,
        /** A promoted node that did not report itself primary is lost ({@link PromotionPolicy}). */
        CONFIRMATION
    }

    /** From {@code at} on, time owes a decision by {@code rule} (of the node {@code nodeId}). */
    record Deadline(Rule rule, Instant at, String nodeId) {

        /** The command this deadline owes the instance {@code instanceId}. */
        FailoverCommand owes(String instanceId) {
            return new CheckTime(instanceId);
        }
    }

    private final FailoverPolicy policy;
    private final Forgetting forgetting;

    Deadlines(FailoverPolicy policy, Forgetting forgetting) {
        this.policy = policy;
        this.forgetting = forgetting;
    }

    /** The instance's deadlines: its nodes' silences in their order, then its failover's. */
    List<Deadline> of(InstanceHealth s) {
        List<Deadline> deadlines = new ArrayList<>(s.nodes().size() + 1);
        if (!s.tracked()) {
            if (!s.deleted() && !s.nodes().isEmpty()) {
                deadlines.add(new Deadline(Rule.UNKNOWN_INSTANCE, forgetting.unknownUntil(s),
                        null));
            }
            return deadlines;
        }
        if (s.deleted()) {
            return deadlines;
        }
        for (Node n : s.nodes()) {
            if (n.status() == Status.HEALTHY && !Switchover.switchingAway(s, n)) {
                deadlines.add(new Deadline(Rule.SILENCE,
                        n.watchSince().plus(policy.heartbeatTimeout()), n.nodeId()));
            }
        }
        Failover f = s.active();
        if (f == null) {
            return deadlines;
        }
        if (f.plannedSwitchover() && f.state() == FailoverState.SWITCHING
                && f.waitUntil() != null) {
            deadlines.add(new Deadline(Rule.SWITCHOVER_TIMEOUT, f.waitUntil(), null));
        } else if (f.state() == FailoverState.BLOCKED && f.waitUntil() != null) {
            deadlines.add(new Deadline(Rule.CATCH_UP_WAIT, f.waitUntil(), null));
        } else if (f.state() == FailoverState.PROMOTED) {
            deadlines.add(new Deadline(Rule.CONFIRMATION,
                    f.promotedAt().plus(policy.confirmTimeout()), f.promotedNodeId()));
        }
        return deadlines;
    }

    /** The deadlines reached at {@code now}, in {@link #of}'s order. */
    List<Deadline> reached(InstanceHealth s, Instant now) {
        return of(s).stream().filter(d -> !d.at().isAfter(now)).toList();
    }

    /**
     * The timer: the earliest deadline, once {@code now} has reached it. Monotone: empty before
     * that moment, and from it on the same moment, until the state changes.
     */
    Optional<Timer.Due<FailoverCommand>> due(String key, InstanceHealth s, Instant now) {
        if (s == null) {
            return Optional.empty();
        }
        return of(s).stream().min(Comparator.comparing(Deadline::at))
                .filter(d -> !d.at().isAfter(now))
                .map(d -> new Timer.Due<>(d.owes(key), d.at()));
    }
}
