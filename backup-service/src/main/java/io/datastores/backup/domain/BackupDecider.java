package io.datastores.backup.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.datastores.backup.domain.BackupCommand.Archived;
import io.datastores.backup.domain.BackupCommand.ChangePolicy;
import io.datastores.backup.domain.BackupCommand.Completed;
import io.datastores.backup.domain.BackupCommand.Failed;
import io.datastores.backup.domain.BackupCommand.Gone;
import io.datastores.backup.domain.BackupCommand.PlanRestore;
import io.datastores.backup.domain.BackupCommand.Serve;
import io.datastores.backup.domain.BackupCommand.SetSchedule;
import io.datastores.backup.domain.BackupCommand.Tick;
import io.datastores.backup.domain.BackupCommand.Track;
import io.datastores.kit.decider.Decider;
import io.datastores.kit.decider.Timer;

/**
 * The backups of one instance (DOMAIN.md, "Backups"; the anchors are pgBackRest's and Barman's
 * recovery windows). A facade over the rules, each in its own class:
 *
 * <ul>
 *   <li>{@link Schedule}: a full backup as soon as the instance serves, then one a day; retries
 *       with backoff; the overdue alarm; completed backups kept.</li>
 *   <li>{@link Archiving}: archived log segments, the missing-segment and stall alarms.</li>
 *   <li>{@link Retention}: the window, latest-only plans, unencrypted backups, the deletion
 *       grace.</li>
 *   <li>{@link BackupDeadlines}: every moment time owes a decision, from which both the timer
 *       ({@link #due}) and the rules' checks are derived.</li>
 *   <li>{@link RestorePlan}: how to restore to a moment or a log position.</li>
 * </ul>
 * Time-driven decisions come from {@link #due}, at the moment they were due.
 */
public final class BackupDecider implements Decider<BackupCommand, BackupState, BackupEvent> {

    public static final Duration FULL_INTERVAL = Schedule.FULL_INTERVAL;
    public static final Duration LOG_CADENCE = Archiving.LOG_CADENCE;
    public static final Duration STALL_AFTER = Archiving.STALL_AFTER;
    public static final Duration OVERDUE_AFTER = Schedule.OVERDUE_AFTER;
    public static final Duration FIRST_RETRY = Schedule.FIRST_RETRY;
    public static final Duration MAX_RETRY = Schedule.MAX_RETRY;

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
        return Schedule.scheduleMinute(instanceId);
    }

    static Duration backoff(int attempt) {
        return Schedule.backoff(attempt);
    }

    /** The deadlines of {@code s} under this decider's deletion grace. */
    BackupDeadlines deadlines(BackupState s) {
        return BackupDeadlines.deadlines(s, deletionGrace);
    }

    /** What time owes this instance at {@code now}, at the earliest moment it became due. */
    public Optional<Timer.Due<BackupCommand>> due(String instanceId, BackupState s, Instant now) {
        return deadlines(s).earliestReached(now)
                .map(t -> new Timer.Due<>(new Tick(instanceId), t));
    }

    @Override
    public List<BackupEvent> decide(BackupCommand command, BackupState state, Instant at) {
        if (command instanceof PlanRestore p) {
            return List.of(restore(p, state)); // a plan changes nothing kept
        }
        List<BackupEvent> events = new ArrayList<>(decided(command, state, at));
        BackupState after = fold(state, events);
        List<BackupEvent> expired =
                Retention.retain(command.instanceId(), after, deadlines(after), at);
        events.addAll(expired);
        after = fold(after, expired);
        RestoreWindow before = state.window(command.instanceId());
        RestoreWindow now = after.window(command.instanceId());
        if (!events.isEmpty() && !now.equals(before)) {
            events.add(new BackupEvent.WindowChanged(now));
        }
        return events;
    }

    /** What {@code command} decides, before retention runs over the state it leaves. */
    private List<BackupEvent> decided(BackupCommand command, BackupState state, Instant at) {
        if (command instanceof Track t) {
            return state.lifecycle().tracked() ? List.of()
                    : List.of(new BackupEvent.Tracked(t.engine(), t.policy()));
        } else if (command instanceof Serve s) {
            return Schedule.serve(s, state, at);
        } else if (command instanceof ChangePolicy c) {
            return !state.lifecycle().tracked() || c.policy().equals(state.policy()) ? List.of()
                    : List.of(new BackupEvent.PolicyChanged(c.policy()));
        } else if (command instanceof Gone) {
            return !state.lifecycle().tracked() || state.lifecycle().deleted() ? List.of()
                    : List.of(new BackupEvent.Deleted(at));
        } else if (command instanceof Completed c) {
            return Schedule.completed(c, state);
        } else if (command instanceof Failed f) {
            return Schedule.failed(f, state, at);
        } else if (command instanceof Archived a) {
            return Archiving.archived(a, state);
        } else if (command instanceof SetSchedule set) {
            return Schedule.setSchedule(set, state, at);
        } else if (command instanceof Tick t) {
            return tick(t.instanceId(), state, at);
        }
        throw new IllegalStateException("no rule decides " + command);
    }

    /** What time owes the instance at {@code at}, rule by rule, read from its deadlines. */
    private List<BackupEvent> tick(String instanceId, BackupState s, Instant at) {
        BackupDeadlines d = deadlines(s);
        List<BackupEvent> events = new ArrayList<>(Schedule.tick(instanceId, s, d, at));
        events.addAll(Archiving.tick(instanceId, s, d, at));
        events.addAll(Retention.tick(instanceId, s, d, deletionGrace, at));
        return events;
    }

    private static BackupEvent restore(PlanRestore p, BackupState state) {
        RestorePlan.Result result = p.targetPosition() == null
                ? RestorePlan.latest(state, p.instanceId())
                : RestorePlan.ofPosition(state, p.instanceId(), p.targetPosition());
        return result.plan()
                .<BackupEvent>map(plan -> new BackupEvent.RestorePlanned(p.requestId(), plan))
                .orElseGet(() -> new BackupEvent.RestoreRefused(p.requestId(), p.instanceId(),
                        result.refusal()));
    }

    @Override
    public BackupState evolve(BackupState s, BackupEvent e) {
        if (e instanceof BackupEvent.Tracked t) {
            return s.tracked(t.engine(), t.policy());
        } else if (e instanceof BackupEvent.Serving v) {
            return s.with(new Lifecycle.Serving(v.since(), v.nextFullAt()));
        } else if (e instanceof BackupEvent.ScheduleChanged c) {
            return s.withSchedule(c.minuteOfDay()).with(nextFullAt(s.lifecycle(), c.nextFullAt()));
        } else if (e instanceof BackupEvent.PolicyChanged p) {
            return s.with(p.policy());
        } else if (e instanceof BackupEvent.Requested r) {
            return s.with(nextFullAt(s.lifecycle(), r.nextFullAt()))
                    .with(new InFlight.Running(r.backupId(), r.attempt()))
                    .with(s.fulls().requested(r.backupId()));
        } else if (e instanceof BackupEvent.Recorded r) {
            boolean waited = r.backup().backupId().equals(s.inFlight().backupId());
            InFlight f = waited ? new InFlight.Idle() : s.inFlight();
            return s.with(f).with(s.fulls().recorded(r.backup()));
        } else if (e instanceof BackupEvent.FailureRecorded f) {
            return s.with(new InFlight.Retrying(s.inFlight().backupId(), f.attempt(),
                    f.retryAt()));
        } else if (e instanceof BackupEvent.Overdue) {
            return s.with(s.fulls().overdue());
        } else if (e instanceof BackupEvent.SegmentRecorded r) {
            return s.with(s.archive().archived(r.segment()));
        } else if (e instanceof BackupEvent.GapDetected g) {
            return g.kind() == GapKind.STALLED ? s.with(s.archive().stalled()) : s;
        } else if (e instanceof BackupEvent.Expired x) {
            return s.with(s.fulls().without(x.backupId()));
        } else if (e instanceof BackupEvent.WalExpired w) {
            return s.with(s.archive().withoutUpTo(w.upToPosition()));
        } else if (e instanceof BackupEvent.Deleted d) {
            return s.with(deleted(s.lifecycle(), d.at())).with(new InFlight.Idle());
        } else if (e instanceof BackupEvent.NotRestorable
                || e instanceof BackupEvent.RestorePlanned
                || e instanceof BackupEvent.RestoreRefused
                || e instanceof BackupEvent.WindowChanged) {
            return s; // published only: they change nothing kept
        }
        throw new IllegalStateException("no rule evolves " + e);
    }

    /** The lifecycle with the next daily full backup moved to {@code next}, while serving. */
    private static Lifecycle nextFullAt(Lifecycle l, Instant next) {
        return l instanceof Lifecycle.Serving s ? new Lifecycle.Serving(s.since(), next) : l;
    }

    private static Lifecycle deleted(Lifecycle l, Instant at) {
        Instant servingSince = l.match(u -> null, k -> null, Lifecycle.Serving::since,
                Lifecycle.Deleted::servingSince);
        return new Lifecycle.Deleted(servingSince, at);
    }
}
