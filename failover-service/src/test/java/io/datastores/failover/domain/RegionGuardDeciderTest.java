package io.datastores.failover.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.datastores.failover.domain.RegionCommand.Count;
import io.datastores.failover.domain.RegionCommand.Decide;
import io.datastores.failover.domain.RegionCommand.Recover;
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

    private List<RegionEvent> at(long millis, RegionCommand c) {
        List<RegionEvent> events = decider.decide(c, state, T.plusMillis(millis));
        for (RegionEvent e : events) {
            state = decider.evolve(state, e);
        }
        return events;
    }

    /** What the settle timer decides by {@code millis}. */
    private List<RegionEvent> timeUntil(long millis) {
        List<RegionEvent> out = new ArrayList<>();
        var due = RegionGuardDecider.due("r", state, T.plusMillis(millis));
        if (due.isPresent()) {
            out.addAll(at(due.get().at().toEpochMilli() - T.toEpochMilli(), due.get().command()));
        }
        return out;
    }

    private static <E> List<E> only(List<RegionEvent> events, Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void givenAFewSilentNodes_thenTheirLossesAreConfirmedAfterTheSettleWindow() {
        at(0, new Count(40));
        at(100, new Suspect("i-1", "n1"));
        at(200, new Suspect("i-2", "n4"));

        assertThat(timeUntil(3_000)).isEmpty();
        List<RegionEvent> out = timeUntil(3_100);
        assertThat(only(out, LossConfirmed.class)).extracting(LossConfirmed::nodeId).containsExactly("n1", "n4");
        assertThat(state.pending()).isEmpty();
        assertThat(state.settleAt()).isNull();
    }

    @Test
    void givenALargeShareSilentAtOnce_thenFailoverPausesWithTheReasonAndNothingIsConfirmed() {
        at(0, new Count(20));
        for (int i = 0; i < 8; i++) {
            at(i * 10L, new Suspect("i-" + i, "n" + i));
        }
        List<RegionEvent> out = timeUntil(5_000);

        assertThat(out).singleElement().isInstanceOfSatisfying(Paused.class, p -> {
            assertThat(p.silentNodes()).isEqualTo(8);
            assertThat(p.monitoredNodes()).isEqualTo(20);
            assertThat(p.reason()).contains("8 of 20").contains("monitoring path");
        });
        assertThat(state.paused()).isTrue();
        assertThat(state.held()).hasSize(8);
        assertThat(at(6_000, new Suspect("i-9", "n9"))).noneMatch(LossConfirmed.class::isInstance);
        assertThat(state.held()).hasSize(9);
    }

    @Test
    void givenPaused_whenOperatorConfirms_thenHeldLossesProceedAndFailoverResumes() {
        pauseWith(6);
        List<RegionEvent> out = at(10_000, new Decide("CONFIRM", "alice", "AZ power loss"));

        assertThat(only(out, LossConfirmed.class)).hasSize(6)
                .allSatisfy(c -> assertThat(c.reason()).contains("confirmed by alice: AZ power loss"));
        assertThat(only(out, Resumed.class)).singleElement()
                .satisfies(r -> assertThat(r.action()).isEqualTo("CONFIRMED"));
        assertThat(state.paused()).isFalse();
    }

    @Test
    void givenPaused_whenOperatorDismisses_thenSuspicionsAreDroppedNotLost() {
        pauseWith(6);
        List<RegionEvent> out = at(10_000, new Decide("DISMISS", "bob", "collector restarted"));

        assertThat(only(out, SuspicionDismissed.class)).hasSize(6);
        assertThat(out).noneMatch(LossConfirmed.class::isInstance);
        assertThat(state.held()).isEmpty();
    }

    @Test
    void givenPaused_whenEveryHeldNodeIsHeardAgain_thenResumesByItself() {
        pauseWith(5);
        for (int i = 0; i < 4; i++) {
            assertThat(at(9_000, new Recover("i-" + i, "n" + i))).noneMatch(Resumed.class::isInstance);
        }
        assertThat(only(at(9_500, new Recover("i-4", "n4")), Resumed.class)).singleElement()
                .satisfies(r -> assertThat(r.action()).isEqualTo("RECOVERED"));
        assertThat(state.paused()).isFalse();
    }

    @Test
    void givenNotPaused_whenOperatorDecides_thenRejectedWithReason() {
        assertThat(at(0, new Decide("CONFIRM", "alice", ""))).singleElement()
                .isInstanceOfSatisfying(CommandRejected.class, r -> assertThat(r.reason()).contains("not paused"));
        assertThat(at(0, new Decide("REBOOT", "alice", ""))).singleElement()
                .isInstanceOfSatisfying(CommandRejected.class, r -> assertThat(r.reason()).contains("CONFIRM or DISMISS"));
    }

    @Test
    void aSuspicionWithdrawnBeforeTheWindowEndsIsNeverConfirmed() {
        at(0, new Count(40));
        at(0, new Suspect("i-1", "n1"));
        at(1_000, new Recover("i-1", "n1"));
        assertThat(timeUntil(10_000)).isEmpty();
    }

    private void pauseWith(int silent) {
        at(0, new Count(10));
        for (int i = 0; i < silent; i++) {
            at(i, new Suspect("i-" + i, "n" + i));
        }
        assertThat(timeUntil(4_000)).hasAtLeastOneElementOfType(Paused.class);
    }
}
