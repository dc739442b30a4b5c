package io.datastores.backup.domain;

import static io.datastores.backup.domain.BackupDeadlines.reached;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import io.datastores.backup.domain.BackupCommand.Completed;
import io.datastores.backup.domain.BackupCommand.Failed;
import io.datastores.backup.domain.BackupCommand.Serve;
import io.datastores.backup.domain.BackupCommand.SetSchedule;

/**
 * When full backups are asked for, and what becomes of them: the first as soon as the instance
 * serves, then one a day at a minute spread across the day by the instance id (or an operator's);
 * a failure is asked again with backoff; no successful backup for {@link #OVERDUE_AFTER} raises an
 * alarm, once. A completed backup is kept; one not encrypted at rest is no restore point.
 */
final class Schedule {

    static final Duration FULL_INTERVAL = Duration.ofDays(1);
    static final Duration OVERDUE_AFTER = Duration.ofHours(26);
    static final Duration FIRST_RETRY = Duration.ofMinutes(5);
    static final Duration MAX_RETRY = Duration.ofHours(4);
    static final int MINUTES_A_DAY = 24 * 60;

    private Schedule() {
    }

    /** The minute of the day an instance's daily full backup runs, spread by its id. */
    static int scheduleMinute(String instanceId) {
        UUID h = UUID.nameUUIDFromBytes(instanceId.getBytes(StandardCharsets.UTF_8));
        return (int) Math.floorMod(h.getMostSignificantBits(), (long) MINUTES_A_DAY);
    }

    /** The first full backup strictly after {@code t}, at the operator's or the spread minute. */
    static Instant nextSlot(String instanceId, Integer minute, Instant t) {
        int m = minute != null ? minute : scheduleMinute(instanceId);
        Instant slot = t.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofMinutes(m));
        while (!slot.isAfter(t)) {
            slot = slot.plus(FULL_INTERVAL);
        }
        return slot;
    }

    /** The wait before asking a failed backup the {@code attempt}-th time: 5 min, x3, <= 4 h. */
    static Duration backoff(int attempt) {
        Duration d = FIRST_RETRY;
        for (int i = 2; i < attempt && d.compareTo(MAX_RETRY) < 0; i++) {
            d = d.multipliedBy(3);
        }
        return d.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : d;
    }

    /** An accepted instance serves: its first full backup now, the daily ones from the next. */
    static List<BackupEvent> serve(Serve s, BackupState state, Instant at) {
        if (!(state.lifecycle() instanceof Lifecycle.Known)) {
            return List.of();
        }
        Instant next = nextSlot(s.instanceId(), state.scheduleMinute(), at);
        return List.of(new BackupEvent.Serving(at, next),
                new BackupEvent.Requested(s.instanceId(), s.instanceId() + "-full-" + at, at, 1,
                        next));
    }

    /** An operator moves the daily backup to a minute of the day (null: the spread one). */
    static List<BackupEvent> setSchedule(SetSchedule set, BackupState state, Instant at) {
        Integer minute = set.minuteOfDay();
        boolean valid = minute == null || (minute >= 0 && minute < MINUTES_A_DAY);
        if (!state.lifecycle().tracked() || state.lifecycle().deleted() || !valid
                || Objects.equals(minute, state.scheduleMinute())) {
            return List.of();
        }
        return List.of(
                new BackupEvent.ScheduleChanged(minute, nextSlot(set.instanceId(), minute, at)));
    }

    /** A completed full backup is kept once; without an encryption key, flagged and expired. */
    static List<BackupEvent> completed(Completed c, BackupState state) {
        if (!state.lifecycle().tracked() || state.fulls().keeps(c.backupId())) {
            return List.of();
        }
        boolean encrypted = c.encryptionKeyId() != null && !c.encryptionKeyId().isBlank();
        List<BackupEvent> events = new ArrayList<>();
        events.add(new BackupEvent.Recorded(new Backup(c.backupId(), c.startedAt(),
                c.completedAt(), c.sizeBytes(), c.checksum(), c.encryptionKeyId(),
                c.startPosition(), c.endPosition(), encrypted)));
        if (!encrypted) {
            events.addAll(Retention.notRestorable(c.instanceId(), c.backupId()));
        }
        return events;
    }

    /** The backup waited for failed: it is asked again after the backoff. */
    static List<BackupEvent> failed(Failed f, BackupState state, Instant at) {
        if (!f.backupId().equals(state.inFlight().backupId())) {
            return List.of();
        }
        int attempt = Math.max(1, state.inFlight().attempt()) + 1;
        return List.of(new BackupEvent.FailureRecorded(f.backupId(), f.reason(), attempt,
                at.plus(backoff(attempt))));
    }

    /** What time owes the schedule at {@code at}: the daily backup or a retry; the alarm. */
    static List<BackupEvent> tick(String instanceId, BackupState s, BackupDeadlines d,
            Instant at) {
        List<BackupEvent> events = new ArrayList<>();
        if (reached(d.nextFull(), at)) {
            events.add(new BackupEvent.Requested(instanceId, instanceId + "-full-" + d.nextFull(),
                    d.nextFull(), 1, nextSlot(instanceId, s.scheduleMinute(), at)));
        } else if (reached(d.retry(), at)) {
            InFlight f = s.inFlight();
            String retryId = f.backupId() + "-retry-" + f.attempt();
            events.add(new BackupEvent.Requested(instanceId, retryId, at, f.attempt(),
                    d.nextFull()));
        }
        if (reached(d.overdue(), at)) {
            events.add(
                    new BackupEvent.Overdue(instanceId, s.fulls().lastSuccessAt(), d.overdue()));
        }
        return events;
    }
}
