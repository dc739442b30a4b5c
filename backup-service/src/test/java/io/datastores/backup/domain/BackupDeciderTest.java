package io.datastores.backup.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.datastores.backup.domain.BackupPolicy.Mode;
import io.datastores.kit.decider.Timer;

class BackupDeciderTest {

    private static final Duration DAY = Duration.ofDays(1);

    /** The window's promises, checked at every step of the simulation. */
    private static void windowHolds(Simulation sim, BackupPolicy policy) {
        BackupState s = sim.state;
        List<Backup> points = s.restorePoints();
        if (sim.logged(BackupEvent.Recorded.class).isEmpty()) {
            return;
        }
        assertThat(points).as("the newest full backup is never expired").isNotEmpty();
        if (policy.latestOnly()) {
            assertThat(points).as("latest only").hasSize(1);
        } else {
            Instant promised = sim.now.minus(Duration.ofDays(policy.retentionDays()));
            Instant firstBackup = sim.logged(BackupEvent.Recorded.class).get(0).backup().completedAt();
            if (!promised.isBefore(firstBackup)) {
                assertThat(points.get(0).completedAt()).as("the whole %d-day window is restorable at %s",
                        policy.retentionDays(), sim.now).isBeforeOrEqualTo(promised);
            }
            assertThat(points.get(0).completedAt()).as("nothing kept past the window plus one backup interval")
                    .isAfterOrEqualTo(promised.minus(DAY).minus(Simulation.BACKUP_TAKES));
        }
        long oldestStart = points.get(0).startPosition();
        assertThat(s.archive().entries()).as("logs never outlive their full backup")
                .allSatisfy(seg -> assertThat(seg.endPosition()).isGreaterThan(oldestStart));
        RestoreWindow w = s.window(sim.id);
        assertThat(w.start()).isEqualTo(points.get(0).completedAt());
        assertThat(w.end()).isAfterOrEqualTo(points.get(points.size() - 1).completedAt());
    }

    @ParameterizedTest(name = "{0} {1}: {2} days, {3}")
    @CsvSource({"SQL,HOBBYIST,0,LATEST_ONLY", "SQL,STARTUP,2,DAILY", "SQL,BUSINESS,14,DAILY", "SQL,PREMIUM,30,DAILY",
            "CACHE,HOBBYIST,0,LATEST_ONLY", "CACHE,STARTUP,1,LATEST_ONLY", "CACHE,BUSINESS,3,DAILY",
            "CACHE,PREMIUM,13,DAILY"})
    @DisplayName("simulated weeks per engine family and tier: the window holds at every step")
    void simulatedWeeks(String family, String tier, int days, Mode mode) {
        BackupPolicy policy = new BackupPolicy(days, mode);
        Simulation sim = new Simulation(policy);
        sim.run(Duration.ofDays(days + 9L), s -> windowHolds(s, policy));
        assertThat(sim.logged(BackupEvent.Requested.class)).as("one full backup a day")
                .hasSizeBetween(days + 9, days + 11);
        assertThat(sim.logged(BackupEvent.Overdue.class)).isEmpty();
        assertThat(sim.logged(BackupEvent.GapDetected.class)).isEmpty();
        assertThat(sim.logged(BackupEvent.Expired.class)).as("retention ran").isNotEmpty();
        assertThat(sim.logged(BackupEvent.WalExpired.class)).as("logs expire with their backups").isNotEmpty();
    }

    @Test
    void archivedLogIsKeptAsHourlyEntriesSoAThirtyDayWindowStaysSmall() {
        Simulation sim = new Simulation(new BackupPolicy(30, Mode.DAILY));
        sim.run(Duration.ofDays(31), s -> { });
        assertThat(sim.state.archive().entries()).hasSizeBetween(30 * 24, 32 * 24);
        assertThat(sim.state.archive().entries().stream().mapToInt(Segment::count).sum())
                .isGreaterThan(30 * 288 - 300);
        assertThat(io.datastores.kit.json.JsonSerde.MAPPER.valueToTree(sim.state).toString().length())
                .as("the state fits a Kafka record with room to spare").isLessThan(300_000);
        List<BackupEvent> again = sim.apply(new BackupCommand.Archived(sim.id, "seg-again", sim.position - 1000,
                sim.position, sim.now), sim.now);
        assertThat(again).as("a re-delivered segment changes nothing").isEmpty();
    }

    @Test
    void dailyBackupsRunAtTheInstancesOwnMinute() {
        Simulation sim = new Simulation(new BackupPolicy(14, Mode.DAILY));
        sim.run(Duration.ofDays(3), s -> { });
        List<Instant> scheduled = sim.logged(BackupEvent.Requested.class).stream().skip(1)
                .map(BackupEvent.Requested::scheduledFor).toList();
        int minute = BackupDecider.scheduleMinute(sim.id);
        assertThat(scheduled).hasSize(3).allSatisfy(t -> assertThat(t.getEpochSecond() / 60 % 1440).isEqualTo(minute));
        assertThat(BackupDecider.scheduleMinute("another-instance")).isNotEqualTo(minute);
    }

    @Test
    void anOperatorMovesTheDailyBackupToAnotherMinute() {
        Simulation sim = new Simulation(new BackupPolicy(14, Mode.DAILY));
        sim.apply(new BackupCommand.SetSchedule(sim.id, 90), sim.now);
        assertThat(sim.apply(new BackupCommand.SetSchedule(sim.id, 90), sim.now)).isEmpty();
        assertThat(sim.apply(new BackupCommand.SetSchedule(sim.id, 1440), sim.now)).isEmpty();
        sim.run(Duration.ofDays(2), s -> { });
        assertThat(sim.logged(BackupEvent.Requested.class).stream().skip(1).map(BackupEvent.Requested::scheduledFor))
                .hasSize(2).allSatisfy(t -> assertThat(t.getEpochSecond() / 60 % 1440).isEqualTo(90));
    }

    @Nested
    @DisplayName("plan changes move the window")
    class PlanChanges {

        @Test
        void aDowngradeExpiresWhatFallsOutAtOnce() {
            Simulation sim = new Simulation(new BackupPolicy(30, Mode.DAILY));
            sim.run(Duration.ofDays(20), s -> { });
            assertThat(sim.state.restorePoints()).hasSizeGreaterThan(19);
            BackupPolicy smaller = new BackupPolicy(14, Mode.DAILY);
            List<BackupEvent> events = sim.apply(new BackupCommand.ChangePolicy(sim.id, smaller),
                    sim.now);
            assertThat(events).filteredOn(BackupEvent.Expired.class::isInstance).hasSizeBetween(4, 6);
            assertThat(events).last().isInstanceOf(BackupEvent.WindowChanged.class);
            windowHolds(sim, new BackupPolicy(14, Mode.DAILY));
        }

        @Test
        void anUpgradeKeepsMoreFromNowOn() {
            Simulation sim = new Simulation(new BackupPolicy(2, Mode.DAILY));
            sim.run(Duration.ofDays(10), s -> { });
            int before = sim.state.restorePoints().size();
            sim.apply(new BackupCommand.ChangePolicy(sim.id, new BackupPolicy(30, Mode.DAILY)),
                    sim.now);
            assertThat(sim.state.restorePoints()).hasSize(before);
            sim.run(Duration.ofDays(10), s -> windowHolds(s, new BackupPolicy(30, Mode.DAILY)));
            assertThat(sim.state.restorePoints()).hasSize(before + 10);
        }
    }

    @Nested
    @DisplayName("alarms")
    class Alarms {

        @Test
        void aFailedBackupIsRetriedWithBackoff() {
            Simulation sim = new Simulation(new BackupPolicy(14, Mode.DAILY));
            String first = sim.logged(BackupEvent.Requested.class).get(0).backupId();
            sim.dataPlaneCompletes = false;
            sim.apply(new BackupCommand.Failed(sim.id, first, "disk full"), Simulation.START.plusSeconds(60));
            sim.run(Duration.ofMinutes(30), s -> { });
            List<BackupEvent.Requested> retries = sim.logged(BackupEvent.Requested.class).stream()
                    .filter(r -> r.backupId().contains("-retry-")).toList();
            assertThat(retries).singleElement()
                    .satisfies(r -> assertThat(r.scheduledFor()).isEqualTo(Simulation.START.plusSeconds(60)
                            .plus(BackupDecider.FIRST_RETRY)));
            assertThat(BackupDecider.backoff(3)).isEqualTo(Duration.ofMinutes(15));
            assertThat(BackupDecider.backoff(20)).isEqualTo(BackupDecider.MAX_RETRY);
        }

        @Test
        void noSuccessfulBackupFor26HoursIsOverdueOnce() {
            Simulation sim = new Simulation(new BackupPolicy(14, Mode.DAILY));
            sim.run(Duration.ofHours(2), s -> { });
            Instant lastSuccess = sim.state.fulls().lastSuccessAt();
            sim.dataPlaneCompletes = false;
            sim.run(Duration.ofDays(3), s -> { });
            assertThat(sim.logged(BackupEvent.Overdue.class)).singleElement()
                    .satisfies(o -> assertThat(o.dueSince()).isEqualTo(lastSuccess.plus(BackupDecider.OVERDUE_AFTER)));
        }

        @Test
        void aMissingSegmentAndAStallAreNoticed() {
            Simulation sim = new Simulation(new BackupPolicy(14, Mode.DAILY));
            sim.run(Duration.ofMinutes(30), s -> { });
            sim.apply(new BackupCommand.Archived(sim.id, "seg-late", sim.position + 5000, sim.position + 6000,
                    sim.now), sim.now);
            assertThat(sim.logged(BackupEvent.GapDetected.class)).singleElement()
                    .satisfies(g -> assertThat(g.kind()).isEqualTo(GapKind.MISSING_SEGMENT));
            sim.archiving = false;
            sim.run(Duration.ofHours(1), s -> { });
            assertThat(sim.logged(BackupEvent.GapDetected.class)).extracting(BackupEvent.GapDetected::kind)
                    .containsExactly(GapKind.MISSING_SEGMENT, GapKind.STALLED);
        }

        @Test
        void anUnencryptedBackupIsFlaggedAndNeverARestorePoint() {
            Simulation sim = new Simulation(new BackupPolicy(14, Mode.DAILY));
            List<BackupEvent> events = sim.apply(new BackupCommand.Completed(sim.id, "b-plain", sim.now, sim.now,
                    10, "sha256:y", null, 0, 10), sim.now);
            assertThat(events).extracting(e -> e.getClass().getSimpleName())
                    .containsExactly("Recorded", "NotRestorable", "Expired");
            assertThat(sim.state.restorePoints()).isEmpty();
            assertThat(sim.state.window(sim.id).start()).isNull();
        }
    }

    @Nested
    @DisplayName("deletion and restore plans")
    class DeletionAndRestore {

        @Test
        void afterDeletionBackupsStayForTheGracePeriodThenExpire() {
            Simulation sim = new Simulation(new BackupPolicy(14, Mode.DAILY));
            sim.run(Duration.ofDays(3), s -> { });
            int kept = sim.state.fulls().kept().size();
            Instant deletedAt = sim.now;
            sim.apply(new BackupCommand.Gone(sim.id), deletedAt);
            sim.archiving = false;
            int expiredBefore = sim.logged(BackupEvent.Expired.class).size();
            sim.run(Duration.ofDays(6), s -> { });
            assertThat(sim.logged(BackupEvent.Expired.class)).hasSize(expiredBefore);
            assertThat(sim.logged(BackupEvent.Requested.class).get(sim.logged(BackupEvent.Requested.class).size() - 1)
                    .scheduledFor()).isBefore(deletedAt);
            sim.run(Duration.ofDays(2), s -> { });
            assertThat(sim.logged(BackupEvent.Expired.class)).hasSize(expiredBefore + kept);
            assertThat(sim.state.fulls().kept()).isEmpty();
            assertThat(sim.state.archive().entries()).isEmpty();
        }

        @Test
        void givenAWindowExpiryWithinTheGrace_whenTheGraceEnds_thenTheBackupsExpire() {
            Simulation sim = new Simulation(new BackupPolicy(2, Mode.DAILY));
            sim.run(Duration.ofDays(3), s -> { });
            Instant deletedAt = sim.now;
            Instant graceEnds = deletedAt.plus(Duration.ofDays(7));
            assertThat(sim.decider.deadlines(sim.state).windowExpiries())
                    .extracting(BackupDeadlines.Expiry::at).as("a window expiry within the grace")
                    .anySatisfy(at -> assertThat(at).isAfter(deletedAt).isBefore(graceEnds));
            int kept = sim.state.fulls().kept().size();
            sim.apply(new BackupCommand.Gone(sim.id), deletedAt);
            sim.archiving = false;
            Timer<BackupCommand, BackupState> timer = sim.decider::due;
            Optional<Instant> dueAfterDeletion = timer.next(sim.id, sim.state);
            int expiredBefore = sim.logged(BackupEvent.Expired.class).size();
            sim.run(Duration.ofDays(8), s -> { });
            assertThat(sim.logged(BackupEvent.Expired.class)).hasSize(expiredBefore + kept)
                    .last().extracting(BackupEvent.Expired::reason).asString()
                    .contains("deleted");
            assertThat(sim.state.fulls().kept()).isEmpty();
            assertThat(sim.state.archive().entries()).isEmpty();
            assertThat(dueAfterDeletion).as("time owes it nothing before").contains(graceEnds);
            assertThat(timer.next(sim.id, sim.state)).isEmpty();
        }

        @Test
        void aRestoreInsideTheWindowHasAPlanOutsideItARefusalNamingTheWindow() {
            Simulation sim = new Simulation(new BackupPolicy(2, Mode.DAILY));
            sim.run(Duration.ofDays(5), s -> { });
            RestoreWindow w = sim.state.window(sim.id);
            Instant target = w.end().minus(Duration.ofHours(7));
            RestorePlan plan = RestorePlan.of(sim.state, sim.id, target).plan().orElseThrow();
            Backup base = sim.state.restorePoints().stream().filter(b -> b.backupId().equals(plan.baseBackupId()))
                    .findFirst().orElseThrow();
            assertThat(base.completedAt()).isBeforeOrEqualTo(target).isAfter(target.minus(Duration.ofDays(1)));
            assertThat(plan.toPosition()).isGreaterThan(plan.fromPosition());
            RestorePlan.Result outside = RestorePlan.of(sim.state, sim.id, w.start().minusSeconds(1));
            assertThat(outside.plan()).isEmpty();
            assertThat(outside.refusal()).contains(w.start().toString()).contains(w.end().toString());
        }

        @Test
        void aRestoreRequestIsAnsweredWithAPlanToTheLatestPointOrToALogPosition() {
            Simulation sim = new Simulation(new BackupPolicy(2, Mode.DAILY));
            assertThat(sim.apply(new BackupCommand.PlanRestore("q-0", sim.id, null), sim.now)).singleElement()
                    .isInstanceOfSatisfying(BackupEvent.RestoreRefused.class,
                            r -> assertThat(r.reason()).contains("no restore point"));
            sim.run(Duration.ofDays(3), s -> { });
            BackupState before = sim.state;
            List<BackupEvent> latest = sim.apply(new BackupCommand.PlanRestore("q-1", sim.id, null), sim.now);
            assertThat(latest).singleElement().isInstanceOfSatisfying(BackupEvent.RestorePlanned.class, p -> {
                assertThat(p.requestId()).isEqualTo("q-1");
                assertThat(p.plan().target()).isEqualTo(sim.state.window(sim.id).end());
                assertThat(p.plan().toPosition()).isEqualTo(sim.state.archive().lastArchivedEnd());
            });
            assertThat(sim.state).isEqualTo(before);
            List<Segment> wal = sim.state.archive().entries();
            long middle = wal.get(wal.size() / 2).endPosition();
            List<BackupEvent> byPosition = sim.apply(new BackupCommand.PlanRestore("q-2", sim.id, middle), sim.now);
            assertThat(byPosition).singleElement().isInstanceOfSatisfying(BackupEvent.RestorePlanned.class,
                    p -> assertThat(p.plan().toPosition()).isEqualTo(middle));
            assertThat(sim.apply(new BackupCommand.PlanRestore("q-3", sim.id, Long.MAX_VALUE), sim.now))
                    .singleElement().isInstanceOf(BackupEvent.RestoreRefused.class);
        }
    }
}
