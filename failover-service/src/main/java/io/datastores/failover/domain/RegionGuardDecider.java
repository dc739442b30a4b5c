package io.datastores.failover.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.datastores.failover.domain.RegionCommand.Advance;
import io.datastores.failover.domain.RegionCommand.Count;
import io.datastores.failover.domain.RegionCommand.Decide;
import io.datastores.failover.domain.RegionCommand.Progress;
import io.datastores.failover.domain.RegionCommand.Recover;
import io.datastores.failover.domain.RegionCommand.Signal;
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

/**
 * The mass-failure guard of one region. Silent nodes (not explicit failure reports) are collected
 * for a settle window; when at its end at least {@code pauseShare} of the region's watched nodes
 * (and at least {@code minSilent} of them) are silent, the monitoring path is the likelier culprit:
 * automatic failover pauses in the region, says why, and holds the suspicions until an operator
 * CONFIRMs (the losses proceed) or DISMISSes them (the nodes are watched afresh). It resumes by
 * itself when every held node is heard from again. Otherwise each suspicion is confirmed as a loss.
 *
 * <p>The guard decides in event time. Its signals come from every instance partition, in whatever
 * order those happen to run (a rebuild runs them at other speeds than the live service did), so each
 * signal waits, held by the region stage, until every partition has passed its event time; then
 * {@link Advance} brings the waiting signals, decided here in event-time order (ties by event id),
 * and each settle window closes at its own moment among them. The same signals therefore give the same decisions, whatever
 * order they arrived in.
 */
public final class RegionGuardDecider implements Decider<RegionCommand, RegionState, RegionEvent> {

    /**
     * The guard's settings: how long suspicions settle, the share of silent nodes that pauses, and how
     * late (after its event time) a signal may reach the guard and still be decided in its place.
     */
    public record Guard(Duration settle, double pauseShare, int minSilent, Duration lateness) {

        public Guard(Duration settle, double pauseShare, int minSilent) {
            this(settle, pauseShare, minSilent, Duration.ofSeconds(1));
        }

        public static Guard defaults() {
            return new Guard(Duration.ofSeconds(3), 0.3, 5);
        }
    }

    /** Event-time order; ties by event id, so that the order never depends on arrival. */
    public static final Comparator<Signal> EVENT_TIME = Comparator.comparing(Signal::at)
            .thenComparing(Signal::id, Comparator.nullsFirst(Comparator.naturalOrder()));

    private final Guard guard;

    public RegionGuardDecider(Guard guard) {
        this.guard = guard;
    }

    public Guard guard() {
        return guard;
    }

    @Override
    public RegionState initialState() {
        return RegionState.initial();
    }

    @Override
    public List<RegionEvent> decide(RegionCommand command, RegionState s, Instant at) {
        if (command instanceof Advance a) {
            return advance(s, a.upTo(), a.due());
        }
        if (command instanceof Signal signal) { // alone: complete at its own time
            return advance(s, signal.at(), List.of(signal));
        }
        if (command instanceof Progress) {
            return List.of(); // the region stage's clock's, never the guard's
        }
        throw new IllegalStateException("no rule decides " + command); // every command has one above
    }

    /** Decides, in event-time order, the signals {@code due} and the settle windows up to {@code upTo}. */
    private List<RegionEvent> advance(RegionState s, Instant upTo, List<Signal> signals) {
        List<Signal> due = signals.stream().sorted(EVENT_TIME).toList();
        if (due.isEmpty() && (s.settleAt() == null || s.settleAt().isAfter(upTo))) {
            return List.of();
        }
        List<RegionEvent> out = new ArrayList<>();
        RegionState st = s;
        for (Signal signal : due) {
            st = settleBefore(st, signal.at(), out);
            st = apply(st, decideSignal(signal, st), out);
        }
        if (st.settleAt() != null && !st.settleAt().isAfter(upTo)) {
            st = settleBefore(st, st.settleAt().plusMillis(1), out);
        }
        return out;
    }

    private RegionState apply(RegionState s, List<RegionEvent> events, List<RegionEvent> out) {
        out.addAll(events);
        return fold(s, events);
    }

    /** Closes the settle window if it ended before {@code t}. */
    private RegionState settleBefore(RegionState s, Instant t, List<RegionEvent> out) {
        return s.settleAt() != null && s.settleAt().isBefore(t) ? apply(s, settle(s), out) : s;
    }

    private List<RegionEvent> decideSignal(Signal signal, RegionState s) {
        if (signal instanceof Count c) {
            return c.delta() == 0 ? List.of() : List.of(new Counted(c.delta()));
        }
        if (signal instanceof Suspect x) {
            if (s.knows(x.instanceId(), x.nodeId())) {
                return List.of();
            }
            Suspicion suspicion = new Suspicion(x.instanceId(), x.nodeId(), x.at(), x.id());
            return List.of(s.paused() ? new Held(suspicion)
                    : new Noted(suspicion, s.settleAt() != null ? s.settleAt() : x.at().plus(guard.settle())));
        }
        if (signal instanceof Recover r) {
            if (!s.knows(r.instanceId(), r.nodeId())) {
                return List.of();
            }
            List<RegionEvent> events = new ArrayList<>();
            events.add(new Withdrawn(r.instanceId(), r.nodeId()));
            if (s.paused() && s.held().size() == 1 && s.held().get(0).is(r.instanceId(), r.nodeId())) {
                events.add(new Resumed(Resumption.RECOVERED, "failover-service",
                        "every node held since the pause was heard from again", r.id(), r.at()));
            }
            return events;
        }
        if (signal instanceof Decide d) {
            return operator(d, s);
        }
        throw new IllegalStateException("no rule decides " + signal); // every signal has one above
    }

    private List<RegionEvent> settle(RegionState s) {
        Instant at = s.settleAt();
        int silent = s.pending().size() + s.held().size();
        int monitored = Math.max(s.monitored(), silent);
        if (silent >= guard.minSilent() && silent >= guard.pauseShare() * monitored) {
            return List.of(new Paused(silent, monitored, silent + " of " + monitored
                    + " watched nodes went silent within " + guard.settle().toSeconds()
                    + " s: more likely the monitoring path than the databases; automatic failover is paused"
                    + " until an operator confirms or dismisses", s.pending().get(0).signalId(), at));
        }
        List<RegionEvent> events = new ArrayList<>();
        for (Suspicion x : s.pending()) {
            events.add(new LossConfirmed(x.instanceId(), x.nodeId(), silent + " of " + monitored
                    + " watched nodes of the region silent: below the pause threshold", x.signalId(), at));
        }
        return events;
    }

    private static List<RegionEvent> operator(Decide d, RegionState s) {
        Optional<OperatorAction> action = OperatorAction.of(d.action());
        if (action.isEmpty()) {
            return List.of(new CommandRejected(String.valueOf(d.action()), "the action must be CONFIRM or DISMISS",
                    d.id(), d.at()));
        }
        if (!s.paused()) {
            return List.of(new CommandRejected(d.action(), "automatic failover is not paused in this region",
                    d.id(), d.at()));
        }
        String by = d.operator() == null || d.operator().isBlank() ? "operator" : d.operator();
        String note = d.note() == null ? "" : d.note();
        List<RegionEvent> events = new ArrayList<>();
        for (Suspicion x : s.held()) {
            events.add(action.get() == OperatorAction.CONFIRM
                    ? new LossConfirmed(x.instanceId(), x.nodeId(),
                            "confirmed by " + by + (note.isEmpty() ? "" : ": " + note), d.id(), d.at())
                    : new SuspicionDismissed(x.instanceId(), x.nodeId(),
                            "dismissed by " + by + (note.isEmpty() ? "" : ": " + note), d.id(), d.at()));
        }
        events.add(new Resumed(action.get() == OperatorAction.CONFIRM ? Resumption.CONFIRMED
                : Resumption.DISMISSED, by, note, d.id(), d.at()));
        return events;
    }

    @Override
    public RegionState evolve(RegionState s, RegionEvent event) {
        if (event instanceof Counted c) {
            return new RegionState(Math.max(0, s.monitored() + c.delta()), s.pending(), s.settleAt(), s.paused(),
                    s.pausedAt(), s.pauseReason(), s.held());
        }
        if (event instanceof Noted n) {
            return with(s, add(s.pending(), n.suspicion()), n.settleAt(), s.held());
        }
        if (event instanceof Held h) {
            return with(s, s.pending(), s.settleAt(), add(s.held(), h.suspicion()));
        }
        if (event instanceof Withdrawn w) {
            return without(s, w.instanceId(), w.nodeId());
        }
        if (event instanceof LossConfirmed l) {
            return without(s, l.instanceId(), l.nodeId());
        }
        if (event instanceof SuspicionDismissed d) {
            return without(s, d.instanceId(), d.nodeId());
        }
        if (event instanceof Paused p) {
            List<Suspicion> held = s.held();
            for (Suspicion x : s.pending()) {
                held = add(held, x);
            }
            return new RegionState(s.monitored(), List.of(), null, true, p.occurredAt(), p.reason(), held);
        }
        if (event instanceof Resumed) {
            return new RegionState(s.monitored(), s.pending(), s.settleAt(), false, null, null, List.of());
        }
        if (event instanceof CommandRejected) {
            return s; // an operator's command refused: nothing changes
        }
        throw new IllegalStateException("no rule evolves " + event); // every event has one above
    }

    private static RegionState with(RegionState s, List<Suspicion> pending, Instant settleAt, List<Suspicion> held) {
        return new RegionState(s.monitored(), pending, settleAt, s.paused(), s.pausedAt(), s.pauseReason(), held);
    }

    private static RegionState without(RegionState s, String instanceId, String nodeId) {
        List<Suspicion> pending = s.pending().stream().filter(x -> !x.is(instanceId, nodeId)).toList();
        return with(s, pending, pending.isEmpty() ? null : s.settleAt(),
                s.held().stream().filter(x -> !x.is(instanceId, nodeId)).toList());
    }

    /** Suspicions are kept in event-time order (ties by signal id), whatever order they came in. */
    private static List<Suspicion> add(List<Suspicion> list, Suspicion x) {
        List<Suspicion> out = new ArrayList<>(list);
        out.add(x);
        out.sort(Comparator.comparing(Suspicion::at).thenComparing(Suspicion::signalId,
                Comparator.nullsFirst(Comparator.naturalOrder())));
        return List.copyOf(out);
    }
}
