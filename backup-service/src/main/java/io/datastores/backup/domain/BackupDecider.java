package io.datastores.backup.domain;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import io.datastores.backup.domain.BackupCommand.Archived;
import io.datastores.backup.domain.BackupCommand.ChangePolicy;
import io.datastores.backup.domain.BackupCommand.Completed;
import io.datastores.backup.domain.BackupCommand.Failed;
import io.datastores.backup.domain.BackupCommand.Gone;
import io.datastores.backup.domain.BackupCommand.Serve;
import io.datastores.backup.domain.BackupCommand.Tick;
import io.datastores.backup.domain.BackupCommand.Track;
import io.datastores.backup.domain.BackupEvent.Expired;
import io.datastores.backup.domain.BackupEvent.WalExpired;
import io.datastores.backup.domain.BackupState.Status;
import io.datastores.kit.decider.Decider;
import io.datastores.kit.decider.Timer;

/**
 * The backups of one instance (DOMAIN.md, "Backups"; the anchors are pgBackRest's and Barman's
 * recovery windows).
 *
 * <ul>
 *   <li>A full backup as soon as the instance serves, then one a day at a minute spread across the
 *       day by the instance id; a failure is retried with backoff; no successful backup for 26 hours
 *       raises an alarm.</li>
 *   <li>Archived logs are tracked: a segment that does not start where the last ended, or archiving
 *       silent for twice its 5-minute cadence, raises an alarm.</li>
 *   <li>Retention, on event time: a full backup leaves when a newer one anchors the window's start
 *       (so the whole window stays restorable); the newest is never expired; logs older than the
 *       oldest retained full backup go with it. Latest-only plans keep the newest full backup.</li>
 *   <li>A backup without an encryption key is no restore point: flagged and expired.</li>
 *   <li>After deletion, backups are kept for a grace period, then expired.</li>
 * </ul>
 * Time-driven decisions come from {@link #due}, at the moment they were due.
 */
public final class BackupDecider implements Decider<BackupCommand, BackupState, BackupEvent> {

    public static final Duration FULL_INTERVAL = Duration.ofDays(1);
    public static final Duration LOG_CADENCE = Duration.ofMinutes(5);
    public static final Duration STALL_AFTER = LOG_CADENCE.multipliedBy(2);
    public static final Duration OVERDUE_AFTER = Duration.ofHours(26);
    public static final Duration FIRST_RETRY = Duration.ofMinutes(5);
    public static final Duration MAX_RETRY = Duration.ofHours(4);

    private final Duration deletionGrace;

    public BackupDecider(Duration deletionGrace) {
        this.deletionGrace = deletionGrace;
    }

    @Override
    public BackupState initialState() {
        return BackupState.initial();
    }

    /** The minute of the day an instance's daily full backup runs, spread by its id. */
    public static int scheduleMinute(String instanceId) {
        UUID h = UUID.nameUUIDFromBytes(instanceId.getBytes(StandardCharsets.UTF_8));
        return (int) Math.floorMod(h.getMostSignificantBits(), 24 * 60L);
    }

    /** The first scheduled full backup strictly after {@code t}, at the minute an operator set or the spread one. */
    static Instant nextSlot(String instanceId, Integer minute, Instant t) {
        int m = minute != null ? minute : scheduleMinute(instanceId);
        Instant slot = t.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofMinutes(m));
        while (!slot.isAfter(t)) {
            slot = slot.plus(FULL_INTERVAL);
        }
        return slot;
    }

    /** What time owes this instance at {@code now}, at the earliest moment it became due. */
    public Optional<Timer.Due<BackupCommand>> due(String instanceId, BackupState s, Instant now) {
        return dueTimes(s).filter(t -> !t.isAfter(now)).min(Instant::compareTo)
                .map(t -> new Timer.Due<>(new Tick(instanceId), t));
    }

    private Stream<Instant> dueTimes(BackupState s) {
        List<Instant> times = new ArrayList<>();
        if (s.status() == Status.ACTIVE) {
            times.add(s.nextFullAt());
            times.add(s.retryAt());
            if (!s.overdueRaised()) {
                Instant since = s.lastSuccessAt() != null ? s.lastSuccessAt() : s.servingSince();
                times.add(since == null ? null : since.plus(OVERDUE_AFTER));
            }
            if (!s.stallRaised() && s.lastArchivedAt() != null) {
                times.add(s.lastArchivedAt().plus(STALL_AFTER));
            }
        }
        if (s.status() == Status.DELETED && (!s.fulls().isEmpty() || !s.wal().isEmpty())) {
            times.add(s.deletedAt().plus(deletionGrace));
        }
        times.add(nextExpiry(s));
        return times.stream().filter(Objects::nonNull);
    }

    /** When the next retained full backup becomes expirable by the window alone. */
    static Instant nextExpiry(BackupState s) {
        List<Backup> points = s.restorePoints();
        if (s.policy().latestOnly() || points.size() < 2) {
            return null;
        }
        Duration window = Duration.ofDays(s.policy().retentionDays());
        // points[i] may go once points[i+1] is older than the window: points[i+1] then anchors it.
        return points.get(1).completedAt().plus(window);
    }

    @Override
    public List<BackupEvent> decide(BackupCommand command, BackupState state, Instant at) {
        List<BackupEvent> events = new ArrayList<>();
        if (command instanceof Track t) {
            if (state.status() == Status.NEW) {
                events.add(new BackupEvent.Tracked(t.engine(), t.policy()));
            }
        } else if (command instanceof Serve s) {
            if (state.status() == Status.KNOWN) {
                events.add(new BackupEvent.Serving(at, nextSlot(s.instanceId(), state.scheduleMinute(), at)));
                events.add(new BackupEvent.Requested(s.instanceId(), s.instanceId() + "-full-" + at, at, 1,
                        nextSlot(s.instanceId(), state.scheduleMinute(), at)));
            }
        } else if (command instanceof ChangePolicy c) {
            if (state.status() != Status.NEW && !c.policy().equals(state.policy())) {
                events.add(new BackupEvent.PolicyChanged(c.policy()));
            }
        } else if (command instanceof Gone g) {
            if (state.status() != Status.DELETED && state.status() != Status.NEW) {
                events.add(new BackupEvent.Deleted(at));
            }
        } else if (command instanceof Completed c) {
            completed(c, state, events);
        } else if (command instanceof Failed f) {
            if (f.backupId().equals(state.pendingBackupId())) {
                int attempt = Math.max(1, state.attempt()) + 1;
                events.add(new BackupEvent.FailureRecorded(f.backupId(), f.reason(), attempt, at.plus(backoff(attempt))));
            }
        } else if (command instanceof Archived a) {
            archived(a, state, events);
        } else if (command instanceof Tick t) {
            tick(t.instanceId(), state, at, events);
        } else if (command instanceof BackupCommand.SetSchedule set) {
            Integer minute = set.minuteOfDay();
            if (state.status() != Status.NEW && state.status() != Status.DELETED
                    && (minute == null || (minute >= 0 && minute < 24 * 60))
                    && !Objects.equals(minute, state.scheduleMinute())) {
                events.add(new BackupEvent.ScheduleChanged(minute, nextSlot(set.instanceId(), minute, at)));
            }
        } else if (command instanceof BackupCommand.PlanRestore p) {
            RestorePlan.Result result = p.targetPosition() == null ? RestorePlan.latest(state, p.instanceId())
                    : RestorePlan.ofPosition(state, p.instanceId(), p.targetPosition());
            events.add(result.plan().<BackupEvent>map(plan -> new BackupEvent.RestorePlanned(p.requestId(), plan))
                    .orElseGet(() -> new BackupEvent.RestoreRefused(p.requestId(), p.instanceId(), result.refusal())));
            return events; // a plan changes nothing kept
        }
        BackupState after = apply(state, events);
        retain(command.instanceId(), after, at, events);
        after = apply(state, events);
        RestoreWindow before = state.window(command.instanceId());
        RestoreWindow now = after.window(command.instanceId());
        if (!events.isEmpty() && !now.equals(before)) {
            events.add(new BackupEvent.WindowChanged(now));
        }
        return events;
    }

    private static void completed(Completed c, BackupState state, List<BackupEvent> events) {
        boolean known = state.fulls().stream().anyMatch(b -> b.backupId().equals(c.backupId()));
        if (state.status() == Status.NEW || known) {
            return;
        }
        boolean encrypted = c.encryptionKeyId() != null && !c.encryptionKeyId().isBlank();
        events.add(new BackupEvent.Recorded(new Backup(c.backupId(), c.startedAt(), c.completedAt(), c.sizeBytes(),
                c.checksum(), c.encryptionKeyId(), c.startPosition(), c.endPosition(), encrypted)));
        if (!encrypted) {
            events.add(new BackupEvent.NotRestorable(c.instanceId(), c.backupId(),
                    "no encryption key id: backups must be encrypted at rest"));
            events.add(new Expired(c.instanceId(), c.backupId(), "not encrypted at rest, so not a restore point"));
        }
    }

    private static void archived(Archived a, BackupState state, List<BackupEvent> events) {
        if (state.status() == Status.NEW || a.endPosition() <= state.lastArchivedEnd()) {
            return; // unknown instance, or a segment the archive already covers (a re-delivery)
        }
        if (state.lastArchivedEnd() >= 0 && a.startPosition() > state.lastArchivedEnd()) {
            events.add(new BackupEvent.GapDetected(a.instanceId(), "MISSING_SEGMENT", state.lastArchivedEnd(),
                    "segment " + a.segment() + " starts at " + a.startPosition() + " but the archive ends at "
                            + state.lastArchivedEnd()));
        }
        events.add(new BackupEvent.SegmentRecorded(new Segment(a.segment(), a.startPosition(), a.endPosition(),
                a.archivedAt(), 1)));
    }

    private void tick(String instanceId, BackupState s, Instant at, List<BackupEvent> events) {
        if (s.status() == Status.ACTIVE) {
            if (s.nextFullAt() != null && !s.nextFullAt().isAfter(at)) {
                events.add(new BackupEvent.Requested(instanceId, instanceId + "-full-" + s.nextFullAt(),
                        s.nextFullAt(), 1, nextSlot(instanceId, s.scheduleMinute(), at)));
            } else if (s.retryAt() != null && !s.retryAt().isAfter(at)) {
                events.add(new BackupEvent.Requested(instanceId, s.pendingBackupId() + "-retry-" + s.attempt(), at,
                        s.attempt(), s.nextFullAt()));
            }
            Instant since = s.lastSuccessAt() != null ? s.lastSuccessAt() : s.servingSince();
            if (!s.overdueRaised() && since != null && !since.plus(OVERDUE_AFTER).isAfter(at)) {
                events.add(new BackupEvent.Overdue(instanceId, s.lastSuccessAt(), since.plus(OVERDUE_AFTER)));
            }
            if (!s.stallRaised() && s.lastArchivedAt() != null && !s.lastArchivedAt().plus(STALL_AFTER).isAfter(at)) {
                events.add(new BackupEvent.GapDetected(instanceId, "STALLED", s.lastArchivedEnd(),
                        "no log archived since " + s.lastArchivedAt() + " (cadence " + LOG_CADENCE.toMinutes()
                                + " minutes)"));
            }
        }
        if (s.status() == Status.DELETED && !s.deletedAt().plus(deletionGrace).isAfter(at)) {
            for (Backup b : s.fulls()) {
                events.add(new Expired(instanceId, b.backupId(), "the instance was deleted "
                        + deletionGrace.toDays() + " days ago"));
            }
            if (!s.wal().isEmpty()) {
                events.add(new WalExpired(instanceId, s.lastArchivedEnd(), segments(s.wal()), "the instance was deleted"));
            }
        }
    }

    /** Expires what has left the window at {@code at}; the newest full backup always stays. */
    private static void retain(String instanceId, BackupState s, Instant at, List<BackupEvent> events) {
        if (s.status() == Status.DELETED) {
            return; // kept for the grace period
        }
        List<Backup> points = s.restorePoints();
        if (points.isEmpty()) {
            return;
        }
        List<Backup> keep;
        String reason;
        if (s.policy().latestOnly()) {
            keep = List.of(points.get(points.size() - 1));
            reason = "the plan keeps the latest backup only";
        } else {
            Instant windowStart = at.minus(Duration.ofDays(s.policy().retentionDays()));
            Backup anchor = points.stream().filter(b -> !b.completedAt().isAfter(windowStart))
                    .reduce((a, b) -> b).orElse(null);
            keep = points.stream().filter(b -> b == anchor || b.completedAt().isAfter(windowStart)
                    || b == points.get(points.size() - 1)).toList();
            reason = "older than the " + s.policy().retentionDays() + "-day window and not its anchor";
        }
        for (Backup b : points) {
            if (!keep.contains(b)) {
                events.add(new Expired(instanceId, b.backupId(), reason));
            }
        }
        long oldestStart = keep.get(0).startPosition();
        List<Segment> old = s.wal().stream().filter(seg -> seg.endPosition() <= oldestStart).toList();
        if (!old.isEmpty()) {
            events.add(new WalExpired(instanceId, oldestStart, segments(old),
                    "older than the oldest retained full backup " + keep.get(0).backupId()));
        }
    }

    private static int segments(List<Segment> entries) {
        return entries.stream().mapToInt(Segment::count).sum();
    }

    static Duration backoff(int attempt) {
        Duration d = FIRST_RETRY;
        for (int i = 2; i < attempt && d.compareTo(MAX_RETRY) < 0; i++) {
            d = d.multipliedBy(3);
        }
        return d.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : d;
    }

    private BackupState apply(BackupState state, List<BackupEvent> events) {
        BackupState s = state;
        for (BackupEvent e : events) {
            s = evolve(s, e);
        }
        return s;
    }

    @Override
    public BackupState evolve(BackupState s, BackupEvent e) {
        if (e instanceof BackupEvent.Tracked t) {
            return s.tracked(t.engine(), t.policy());
        }
        if (e instanceof BackupEvent.Serving v) {
            return s.serving(v.since(), v.nextFullAt());
        }
        if (e instanceof BackupEvent.ScheduleChanged c) {
            return s.withSchedule(c.minuteOfDay(), c.nextFullAt());
        }
        if (e instanceof BackupEvent.PolicyChanged p) {
            return s.withPolicy(p.policy());
        }
        if (e instanceof BackupEvent.Requested r) {
            return s.requested(r.backupId(), r.attempt(), r.nextFullAt());
        }
        if (e instanceof BackupEvent.Recorded r) {
            return s.recorded(r.backup());
        }
        if (e instanceof BackupEvent.FailureRecorded f) {
            return s.failed(f.attempt(), f.retryAt());
        }
        if (e instanceof BackupEvent.Overdue) {
            return s.overdue();
        }
        if (e instanceof BackupEvent.SegmentRecorded r) {
            return s.archived(r.segment());
        }
        if (e instanceof BackupEvent.GapDetected g) {
            return "STALLED".equals(g.kind()) ? s.stalled() : s;
        }
        if (e instanceof Expired x) {
            return s.withoutBackup(x.backupId());
        }
        if (e instanceof WalExpired w) {
            return s.withoutWalUpTo(w.upToPosition());
        }
        if (e instanceof BackupEvent.Deleted d) {
            return s.deleted(d.at());
        }
        return s; // NotRestorable, restore plans and WindowChanged change nothing more
    }
}
