package io.datastores.backup.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.datastores.backup.domain.BackupPolicy.Mode;
import io.datastores.kit.decider.Timer;

/** The timer and the rules read the same deadlines: what the timer fires is what the tick does. */
class BackupDeadlinesTest {

    @Test
    void aFailedBackupIsDueAtItsRetryAndTheTickAsksItAgain() {
        Simulation sim = new Simulation(new BackupPolicy(14, Mode.DAILY));
        String first = sim.logged(BackupEvent.Requested.class).get(0).backupId();
        Instant failedAt = Simulation.START.plusSeconds(60);
        sim.apply(new BackupCommand.Failed(sim.id, first, "disk full"), failedAt);
        BackupDeadlines d = sim.decider.deadlines(sim.state);
        assertThat(d.retry()).isEqualTo(failedAt.plus(BackupDecider.FIRST_RETRY));
        Timer<BackupCommand, BackupState> timer = sim.decider::due;
        assertThat(timer.next(sim.id, sim.state)).contains(d.retry());
        Instant justBefore = d.retry().minusMillis(1);
        List<BackupEvent> events = sim.apply(new BackupCommand.Tick(sim.id), justBefore);
        assertThat(events).isEmpty();
        events = sim.apply(new BackupCommand.Tick(sim.id), d.retry());
        assertThat(events).first().isInstanceOfSatisfying(BackupEvent.Requested.class,
                r -> assertThat(r.backupId()).isEqualTo(first + "-retry-2"));
    }

    @Test
    void theWindowsExpiriesAreTheTimersAndRetentionsAlike() {
        Simulation sim = new Simulation(new BackupPolicy(2, Mode.DAILY));
        sim.run(Duration.ofDays(2).plusHours(12), s -> { });
        BackupDeadlines d = sim.decider.deadlines(sim.state);
        List<Backup> points = sim.state.restorePoints();
        assertThat(d.windowExpiries()).extracting(BackupDeadlines.Expiry::backup)
                .containsExactlyElementsOf(points.subList(0, points.size() - 1));
        Instant first = d.windowExpiries().get(0).at();
        Timer<BackupCommand, BackupState> timer = sim.decider::due;
        assertThat(timer.next(sim.id, sim.state).orElseThrow()).isBeforeOrEqualTo(first);
        assertThat(Retention.retain(sim.id, sim.state, d, first.minusMillis(1))).isEmpty();
        assertThat(Retention.retain(sim.id, sim.state, d, first))
                .filteredOn(BackupEvent.Expired.class::isInstance)
                .extracting(e -> ((BackupEvent.Expired) e).backupId())
                .containsExactly(points.get(0).backupId());
    }
}
