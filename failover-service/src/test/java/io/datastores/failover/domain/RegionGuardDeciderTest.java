package io.datastores.failover.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.datastores.failover.domain.RegionCommand.Advance;
import io.datastores.failover.domain.RegionCommand.Count;
import io.datastores.failover.domain.RegionCommand.Decide;
import io.datastores.failover.domain.RegionCommand.Recover;
import io.datastores.failover.domain.RegionCommand.Signal;
import io.datastores.failover.domain.RegionCommand.Suspect;
import io.datastores.failover.domain.RegionEvent.CommandRejected;
import io.datastores.failover.domain.RegionEvent.LossConfirmed;
import io.datastores.failover.domain.RegionEvent.Paused;
import io.datastores.failover.domain.RegionEvent.Resumed;
import io.datastores.failover.domain.RegionEvent.SuspicionDismissed;

class RegionGuardDeciderTest {

    static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

    private final RegionGuardDecider decider = new RegionGuardDecider(
            new RegionGuardDecider.Guard(Duration.ofSeconds(3), 0.3, 5));
    private RegionState state = decider.initialState();
    private int ids;

    private List<RegionEvent> apply(RegionCommand c) {
        List<RegionEvent> events = decider.decide(c, state, T);
        state = decider.fold(state, events);
        return events;
    }

    /** Signals waiting, as the region stage holds them, for the instance partitions to pass their time. */
    private final List<Signal> waiting = new ArrayList<>();

    private void signal(Signal s) {
        waiting.add(s);
    }

    /** Every instance partition has passed {@code upTo}: what the guard decides of the signals waiting for it. */
    private List<RegionEvent> release(Instant upTo) {
        List<Signal> due = waiting.stream().filter(w -> !w.at().isAfter(upTo)).toList();
        waiting.removeAll(due);
        List<Signal> listed = new ArrayList<>(due);
        Collections.shuffle(listed, new Random(upTo.toEpochMilli())); // the guard orders them, not the list
        return apply(new Advance(upTo, listed));
    }

    private List<RegionEvent> timeUntil(long millis) {
        return release(T.plusMillis(millis));
    }

    private Count count(long millis, int delta) {
        return new Count(delta, T.plusMillis(millis), "c-" + (++ids));
    }

    private static Suspect suspect(long millis, String instance, String node) {
        return new Suspect(instance, node, T.plusMillis(millis), "s-" + instance + "-" + node);
    }

    private static Recover recover(long millis, String instance, String node) {
        return new Recover(instance, node, T.plusMillis(millis), "r-" + instance + "-" + node + "-" + millis);
    }

    private Decide decide(long millis, String action, String operator, String note) {
        return new Decide(action, operator, note, T.plusMillis(millis), "d-" + (++ids));
    }

    private static <E> List<E> only(List<RegionEvent> events, Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void givenAFewSilentNodes_thenTheirLossesAreConfirmedAfterTheSettleWindow() {
        signal(count(0, 40));
        signal(suspect(100, "i-1", "n1"));
        signal(suspect(200, "i-2", "n4"));

        assertThat(timeUntil(3_000)).noneMatch(LossConfirmed.class::isInstance);
        List<RegionEvent> out = timeUntil(3_100);
        assertThat(only(out, LossConfirmed.class)).extracting(LossConfirmed::nodeId).containsExactly("n1", "n4");
        assertThat(only(out, LossConfirmed.class)).allSatisfy(c -> {
            assertThat(c.occurredAt()).as("decided at the window's end").isEqualTo(T.plusMillis(3_100));
            assertThat(c.causeId()).as("caused by its suspicion").isEqualTo("s-" + c.instanceId() + "-" + c.nodeId());
        });
        assertThat(state.pending()).isEmpty();
        assertThat(state.settleAt()).isNull();
    }

    @Test
    void nothingIsDecidedUntilEveryPartitionHasPassedTheSignalsTime() {
        signal(count(0, 40));
        signal(suspect(100, "i-1", "n1"));
        assertThat(timeUntil(50)).as("only the count is complete").noneMatch(LossConfirmed.class::isInstance);
        assertThat(state.monitored()).isEqualTo(40);
        assertThat(state.pending()).isEmpty();
        assertThat(waiting).hasSize(1);
    }

    @Test
    void givenALargeShareSilentAtOnce_thenFailoverPausesWithTheReasonAndNothingIsConfirmed() {
        signal(count(0, 20));
        for (int i = 0; i < 8; i++) {
            signal(suspect(i * 10L, "i-" + i, "n" + i));
        }
        List<RegionEvent> out = timeUntil(5_000);

        assertThat(only(out, Paused.class)).singleElement().satisfies(p -> {
            assertThat(p.silentNodes()).isEqualTo(8);
            assertThat(p.monitoredNodes()).isEqualTo(20);
            assertThat(p.reason()).contains("8 of 20").contains("monitoring path");
            assertThat(p.occurredAt()).isEqualTo(T.plusMillis(3_000));
        });
        assertThat(out).noneMatch(LossConfirmed.class::isInstance);
        assertThat(state.paused()).isTrue();
        assertThat(state.held()).hasSize(8);
        signal(suspect(6_000, "i-9", "n9"));
        assertThat(timeUntil(7_000)).noneMatch(LossConfirmed.class::isInstance);
        assertThat(state.held()).hasSize(9);
    }

    @Test
    void aSuspicionAfterTheWindowEndsBelongsToTheNextWindow() {
        signal(count(0, 20));
        for (int i = 0; i < 4; i++) {
            signal(suspect(i * 10L, "i-" + i, "n" + i));
        }
        signal(suspect(3_500, "i-late", "n"));
        signal(count(3_600, 100));

        List<RegionEvent> out = timeUntil(10_000);

        assertThat(out).noneMatch(Paused.class::isInstance);
        assertThat(only(out, LossConfirmed.class)).hasSize(5);
        assertThat(only(out, LossConfirmed.class).get(0).reason()).contains("4 of 20");
        assertThat(only(out, LossConfirmed.class).get(4).reason()).contains("1 of 120");
    }

    @Test
    void theSameSignalsInAnyArrivalOrderGiveTheSameDecisions() {
        List<Signal> signals = new ArrayList<>();
        signals.add(count(0, 30));
        for (int i = 0; i < 12; i++) {
            signals.add(suspect(200L * i, "i-" + i, "n"));
        }
        signals.add(recover(1_500, "i-3", "n"));
        signals.add(count(2_500, 5));
        signals.add(suspect(4_000, "i-20", "n"));

        List<RegionEvent> first = null;
        RegionState firstState = null;
        Random random = new Random(7);
        for (int run = 0; run < 20; run++) {
            state = decider.initialState();
            waiting.clear();
            List<Signal> shuffled = new ArrayList<>(signals);
            Collections.shuffle(shuffled, random);
            List<RegionEvent> out = new ArrayList<>();
            for (int i = 0; i < shuffled.size(); i++) {
                signal(shuffled.get(i));
                if (i % 3 == 2) { // meanwhile the partitions pass the time of every signal not yet sent
                    Instant complete = shuffled.subList(i + 1, shuffled.size()).stream().map(Signal::at)
                            .min(Instant::compareTo).orElse(T.plusSeconds(10)).minusMillis(1);
                    out.addAll(release(complete));
                }
            }
            out.addAll(timeUntil(20_000));
            List<RegionEvent> decided = out.stream().filter(e -> e instanceof LossConfirmed || e instanceof Paused)
                    .toList();
            if (first == null) {
                first = decided;
                firstState = state;
            }
            assertThat(decided).isEqualTo(first);
            assertThat(state).isEqualTo(firstState);
        }
        assertThat(only(first, Paused.class)).singleElement()
                .satisfies(p -> assertThat(p.reason()).contains("11 of 35"));
    }

    @Test
    void givenPaused_whenOperatorConfirms_thenHeldLossesProceedAndFailoverResumes() {
        pauseWith(6);
        signal(decide(10_000, "CONFIRM", "alice", "AZ power loss"));
        List<RegionEvent> out = timeUntil(10_000);

        assertThat(only(out, LossConfirmed.class)).hasSize(6)
                .allSatisfy(c -> assertThat(c.reason()).contains("confirmed by alice: AZ power loss"));
        assertThat(only(out, Resumed.class)).singleElement()
                .satisfies(r -> assertThat(r.action()).isEqualTo(Resumption.CONFIRMED));
        assertThat(state.paused()).isFalse();
    }

    @Test
    void givenPaused_whenOperatorDismisses_thenSuspicionsAreDroppedNotLost() {
        pauseWith(6);
        signal(decide(10_000, "DISMISS", "bob", "collector restarted"));
        List<RegionEvent> out = timeUntil(10_000);

        assertThat(only(out, SuspicionDismissed.class)).hasSize(6);
        assertThat(out).noneMatch(LossConfirmed.class::isInstance);
        assertThat(state.held()).isEmpty();
    }

    @Test
    void givenPaused_whenEveryHeldNodeIsHeardAgain_thenResumesByItself() {
        pauseWith(5);
        for (int i = 0; i < 4; i++) {
            signal(recover(9_000, "i-" + i, "n" + i));
        }
        assertThat(timeUntil(9_000)).noneMatch(Resumed.class::isInstance);
        signal(recover(9_500, "i-4", "n4"));
        assertThat(only(timeUntil(9_500), Resumed.class)).singleElement()
                .satisfies(r -> assertThat(r.action()).isEqualTo(Resumption.RECOVERED));
        assertThat(state.paused()).isFalse();
    }

    @Test
    void givenNotPaused_whenOperatorDecides_thenRejectedWithReason() {
        signal(decide(0, "CONFIRM", "alice", ""));
        assertThat(timeUntil(0)).filteredOn(CommandRejected.class::isInstance).singleElement()
                .isInstanceOfSatisfying(CommandRejected.class, r -> assertThat(r.reason()).contains("not paused"));
        signal(decide(0, "REBOOT", "alice", ""));
        assertThat(timeUntil(1)).filteredOn(CommandRejected.class::isInstance).singleElement()
                .isInstanceOfSatisfying(CommandRejected.class, r -> assertThat(r.reason()).contains("CONFIRM or DISMISS"));
    }

    @Test
    void aSuspicionWithdrawnBeforeTheWindowEndsIsNeverConfirmed() {
        signal(count(0, 40));
        signal(suspect(0, "i-1", "n1"));
        signal(recover(1_000, "i-1", "n1"));
        assertThat(timeUntil(10_000)).noneMatch(LossConfirmed.class::isInstance);
    }

    @Test
    void aRecoveryAfterTheWindowEndedComesTooLate() {
        signal(count(0, 40));
        signal(recover(3_500, "i-1", "n1")); // arrives first, happened later
        signal(suspect(0, "i-1", "n1"));
        assertThat(only(timeUntil(10_000), LossConfirmed.class)).singleElement();
    }

    private void pauseWith(int silent) {
        signal(count(0, 10));
        for (int i = 0; i < silent; i++) {
            signal(suspect(i, "i-" + i, "n" + i));
        }
        assertThat(timeUntil(4_000)).hasAtLeastOneElementOfType(Paused.class);
    }

    /**
     * Every region event has its rule in {@code evolve}: Java 17 cannot check the chain is
     * exhaustive, so this sample of each member of {@link RegionEvent} does.
     */
    @Test
    void everyEventHasARule() {
        Instant t = Instant.ofEpochSecond(50);
        RegionState.Suspicion x = new RegionState.Suspicion("i-1", "n1", t, "s-1");
        List<RegionEvent> samples = List.of(new RegionEvent.Counted(1), new RegionEvent.Noted(x, t),
                new RegionEvent.Held(x), new RegionEvent.Withdrawn("i-1", "n1"),
                new LossConfirmed("i-1", "n1", "why", "c", t), new SuspicionDismissed("i-1", "n1", "why", "c", t),
                new Paused(3, 5, "why", "c", t), new Resumed(Resumption.RECOVERED, "op", "why", "c", t),
                new CommandRejected("NONE", "why", "c", t));

        assertThat(samples.stream().<Class<?>>map(Object::getClass).collect(Collectors.toSet()))
                .as("a sample of each event").isEqualTo(Set.of(RegionEvent.class.getPermittedSubclasses()));
        for (RegionEvent e : samples) {
            assertThat(decider.evolve(decider.initialState(), e)).as("%s", e).isNotNull();
        }
    }

    /**
     * Every region command and every signal has its rule in {@code decide}: a sample of each member
     * of {@link RegionCommand} and of its {@link Signal}s, checked against the sealed families.
     */
    @Test
    void everyCommandHasARule() {
        Instant t = Instant.ofEpochSecond(50);
        List<Signal> signals = List.of(new Count(1, t, "s-1"), new Suspect("i-1", "n1", t, "s-2"),
                new Recover("i-1", "n1", t, "s-3"), new Decide("CONFIRM", "op", "why", t, "s-4"));
        List<RegionCommand> commands = List.of(new RegionCommand.Progress(0, t), new Advance(t, signals),
                signals.get(0));

        assertThat(signals.stream().<Class<?>>map(Object::getClass).collect(Collectors.toSet()))
                .as("a sample of each signal").isEqualTo(Set.of(Signal.class.getPermittedSubclasses()));
        Set<Class<?>> members = new HashSet<>(Set.of(RegionCommand.class
                .getPermittedSubclasses()));
        members.remove(Signal.class);
        members.addAll(Set.of(Signal.class.getPermittedSubclasses()));
        Set<Class<?>> sampled = new HashSet<>();
        commands.forEach(c -> sampled.add(c.getClass()));
        signals.forEach(c -> sampled.add(c.getClass()));
        assertThat(sampled).as("a sample of each command").isEqualTo(members);
        for (RegionCommand c : commands) {
            assertThat(decider.decide(c, decider.initialState(), t)).as("%s", c).isNotNull();
        }
        for (Signal signal : signals) {
            assertThat(decider.decide(signal, decider.initialState(), t)).as("%s", signal).isNotNull();
        }
    }
}
