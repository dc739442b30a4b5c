package io.datastores.failover.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.datastores.failover.domain.RegionCommand.Count;
import io.datastores.failover.domain.RegionCommand.Decide;
import io.datastores.failover.domain.RegionCommand.Recover;
import io.datastores.failover.domain.RegionCommand.Settle;
import io.datastores.failover.domain.RegionCommand.Suspect;
import io.datastores.failover.domain.RegionEvent.CommandRejected;
import io.datastores.failover.domain.RegionEvent.Counted;
import io.datastores.failover.domain.RegionEvent.Held;
import io.datastores.failover.domain.RegionEvent.LossConfirmed;
import io.datastores.failover.domain.RegionEvent.Noted;
import io.datastores.failover.domain.RegionEvent.Paused;
import io.datastores.failover.domain.RegionEvent.Resumed;
import io.datastores.failover.domain.RegionEvent.SuspicionDismissed;
import io.datastores.failover.domain.RegionEvent.Withdrawn;
import io.datastores.failover.domain.RegionState.Suspicion;
import io.datastores.kit.decider.Decider;
import io.datastores.kit.decider.Timer;

/**
 * The mass-failure guard of one region. Silent nodes (not explicit failure reports) are collected
 * for a settle window; when at its end at least {@code pauseShare} of the region's watched nodes
 * (and at least {@code minSilent} of them) are silent, the monitoring path is the likelier culprit:
 * automatic failover pauses in the region, says why, and holds the suspicions until an operator
 * CONFIRMs (the losses proceed) or DISMISSes them (the nodes are watched afresh). It resumes by
 * itself when every held node is heard from again. Otherwise each suspicion is confirmed as a loss.
 */
public final class RegionGuardDecider implements Decider<RegionCommand, RegionState, RegionEvent> {

    /** The guard's settings: how long suspicions settle, and the share of silent nodes that pauses. */
    public record Guard(Duration settle, double pauseShare, int minSilent) {

        public static Guard defaults() {
            return new Guard(Duration.ofSeconds(3), 0.3, 5);
        }
    }

    private final Guard guard;

    public RegionGuardDecider(Guard guard) {
        this.guard = guard;
    }

    @Override
    public RegionState initialState() {
        return RegionState.initial();
    }

    @Override
    public List<RegionEvent> decide(RegionCommand command, RegionState s, Instant at) {
        if (command instanceof Count c) {
            return c.delta() == 0 ? List.of() : List.of(new Counted(c.delta()));
        }
        if (command instanceof Suspect x) {
            if (s.knows(x.instanceId(), x.nodeId())) {
                return List.of();
            }
            return List.of(s.paused() ? new Held(x.instanceId(), x.nodeId())
                    : new Noted(x.instanceId(), x.nodeId(), s.settleAt() != null ? s.settleAt() : at.plus(guard.settle())));
        }
        if (command instanceof Recover r) {
            if (!s.knows(r.instanceId(), r.nodeId())) {
                return List.of();
            }
            List<RegionEvent> events = new ArrayList<>();
            events.add(new Withdrawn(r.instanceId(), r.nodeId()));
            if (s.paused() && s.held().size() == 1 && s.held().contains(new Suspicion(r.instanceId(), r.nodeId()))) {
                events.add(new Resumed("RECOVERED", "failover-service",
                        "every node held since the pause was heard from again"));
            }
            return events;
        }
        if (command instanceof Settle) {
            return settle(s, at);
        }
        if (command instanceof Decide d) {
            return operator(d, s);
        }
        return List.of();
    }

    private List<RegionEvent> settle(RegionState s, Instant at) {
        if (s.settleAt() == null || s.settleAt().isAfter(at) || s.pending().isEmpty()) {
            return List.of();
        }
        int silent = s.pending().size() + s.held().size();
        int monitored = Math.max(s.monitored(), silent);
        if (silent >= guard.minSilent() && silent >= guard.pauseShare() * monitored) {
            return List.of(new Paused(silent, monitored, silent + " of " + monitored
                    + " watched nodes went silent within " + guard.settle().toSeconds()
                    + " s: more likely the monitoring path than the databases; automatic failover is paused"
                    + " until an operator confirms or dismisses", at));
        }
        List<RegionEvent> events = new ArrayList<>();
        for (Suspicion x : s.pending()) {
            events.add(new LossConfirmed(x.instanceId(), x.nodeId(), silent + " of " + monitored
                    + " watched nodes of the region silent: below the pause threshold"));
        }
        return events;
    }

    private static List<RegionEvent> operator(Decide d, RegionState s) {
        if (!"CONFIRM".equals(d.action()) && !"DISMISS".equals(d.action())) {
            return List.of(new CommandRejected(String.valueOf(d.action()), "the action must be CONFIRM or DISMISS"));
        }
        if (!s.paused()) {
            return List.of(new CommandRejected(d.action(), "automatic failover is not paused in this region"));
        }
        String by = d.operator() == null || d.operator().isBlank() ? "operator" : d.operator();
        String note = d.note() == null ? "" : d.note();
        List<RegionEvent> events = new ArrayList<>();
        for (Suspicion x : s.held()) {
            events.add("CONFIRM".equals(d.action())
                    ? new LossConfirmed(x.instanceId(), x.nodeId(), "confirmed by " + by + (note.isEmpty() ? "" : ": " + note))
                    : new SuspicionDismissed(x.instanceId(), x.nodeId(), "dismissed by " + by
                            + (note.isEmpty() ? "" : ": " + note)));
        }
        events.add(new Resumed("CONFIRM".equals(d.action()) ? "CONFIRMED" : "DISMISSED", by, note));
        return events;
    }

    /** The settle window's end, once it has come. */
    public static Optional<Timer.Due<RegionCommand>> due(String key, RegionState s, Instant now) {
        return s != null && s.settleAt() != null && !s.settleAt().isAfter(now)
                ? Optional.of(new Timer.Due<>(new Settle(), s.settleAt())) : Optional.empty();
    }

    @Override
    public RegionState evolve(RegionState s, RegionEvent event) {
        if (event instanceof Counted c) {
            return new RegionState(Math.max(0, s.monitored() + c.delta()), s.pending(), s.settleAt(), s.paused(),
                    s.pausedAt(), s.pauseReason(), s.held());
        }
        if (event instanceof Noted n) {
            return new RegionState(s.monitored(), add(s.pending(), new Suspicion(n.instanceId(), n.nodeId())),
                    n.settleAt(), s.paused(), s.pausedAt(), s.pauseReason(), s.held());
        }
        if (event instanceof Held h) {
            return new RegionState(s.monitored(), s.pending(), s.settleAt(), s.paused(), s.pausedAt(),
                    s.pauseReason(), add(s.held(), new Suspicion(h.instanceId(), h.nodeId())));
        }
        if (event instanceof Withdrawn w) {
            Suspicion x = new Suspicion(w.instanceId(), w.nodeId());
            List<Suspicion> pending = remove(s.pending(), x);
            return new RegionState(s.monitored(), pending, pending.isEmpty() ? null : s.settleAt(), s.paused(),
                    s.pausedAt(), s.pauseReason(), remove(s.held(), x));
        }
        if (event instanceof Paused p) {
            List<Suspicion> held = new ArrayList<>(s.held());
            held.addAll(s.pending());
            return new RegionState(s.monitored(), List.of(), null, true, p.at(), p.reason(), List.copyOf(held));
        }
        if (event instanceof LossConfirmed || event instanceof SuspicionDismissed) {
            String instanceId = event instanceof LossConfirmed l ? l.instanceId() : ((SuspicionDismissed) event).instanceId();
            String nodeId = event instanceof LossConfirmed l ? l.nodeId() : ((SuspicionDismissed) event).nodeId();
            Suspicion x = new Suspicion(instanceId, nodeId);
            List<Suspicion> pending = remove(s.pending(), x);
            return new RegionState(s.monitored(), pending, pending.isEmpty() ? null : s.settleAt(), s.paused(),
                    s.pausedAt(), s.pauseReason(), remove(s.held(), x));
        }
        if (event instanceof Resumed) {
            return new RegionState(s.monitored(), s.pending(), s.settleAt(), false, null, null, List.of());
        }
        return s;
    }

    private static List<Suspicion> add(List<Suspicion> list, Suspicion x) {
        List<Suspicion> out = new ArrayList<>(list);
        out.add(x);
        return List.copyOf(out);
    }

    private static List<Suspicion> remove(List<Suspicion> list, Suspicion x) {
        return list.stream().filter(y -> !y.equals(x)).toList();
    }
}
