package io.datastores.backup.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every moment at which time owes an instance a decision, each written once: the timer
 * ({@link BackupDecider#due}, hence the shell's index of when each instance is next due) and the
 * rules' checks ({@link #reached}) both read them from {@link #deadlines}. A null deadline is
 * none.
 *
 * @param nextFull the next daily full backup, while serving
 * @param retry when a failed full backup is asked again, while serving
 * @param overdue when no successful full backup for {@link Schedule#OVERDUE_AFTER} raises
 *     the alarm
 * @param stall when archiving silent for {@link Archiving#STALL_AFTER} raises the alarm
 * @param graceEnds when a deleted instance's backups go
 * @param windowExpiries when each restore point but the newest leaves the window, oldest first;
 *     none while deleted: retention waits for the grace period then, and a deadline no rule
 *     decides on would hold the timer at it (the shell asks again only after a decision)
 */
public record BackupDeadlines(Instant nextFull, Instant retry, Instant overdue, Instant stall,
        Instant graceEnds, List<Expiry> windowExpiries) {

    /** A restore point, and the moment the window no longer needs it. */
    public record Expiry(Backup backup, Instant at) {
    }

    /** The deadlines of {@code s}, a deleted instance's backups staying {@code deletionGrace}. */
    public static BackupDeadlines deadlines(BackupState s, Duration deletionGrace) {
        Instant nextFull = null;
        Instant retry = null;
        Instant overdue = null;
        Instant stall = null;
        if (s.lifecycle() instanceof Lifecycle.Serving serving) {
            nextFull = serving.nextFullAt();
            retry = s.inFlight().retryAt();
            FullBackups fulls = s.fulls();
            Instant since = fulls.lastSuccessAt() != null ? fulls.lastSuccessAt()
                    : serving.since();
            overdue = fulls.overdueRaised() || since == null ? null
                    : since.plus(Schedule.OVERDUE_AFTER);
            LogArchive archive = s.archive();
            stall = archive.stallRaised() || archive.lastArchivedAt() == null ? null
                    : archive.lastArchivedAt().plus(Archiving.STALL_AFTER);
        }
        Instant graceEnds = null;
        if (s.lifecycle() instanceof Lifecycle.Deleted deleted
                && (!s.fulls().kept().isEmpty() || !s.archive().entries().isEmpty())) {
            graceEnds = deleted.at().plus(deletionGrace);
        }
        return new BackupDeadlines(nextFull, retry, overdue, stall, graceEnds, windowExpiries(s));
    }

    /**
     * Restore point i may go once point i+1 is older than the window: i+1 then anchors it. A
     * deleted instance's points stay until {@link #graceEnds}, whatever the window.
     */
    private static List<Expiry> windowExpiries(BackupState s) {
        List<Backup> points = s.restorePoints();
        if (s.lifecycle().deleted() || s.policy().latestOnly() || points.size() < 2) {
            return List.of();
        }
        Duration window = Duration.ofDays(s.policy().retentionDays());
        List<Expiry> expiries = new ArrayList<>();
        for (int i = 0; i + 1 < points.size(); i++) {
            expiries.add(new Expiry(points.get(i), points.get(i + 1).completedAt().plus(window)));
        }
        return List.copyOf(expiries);
    }

    /** Whether {@code deadline} is one and has come by {@code at}. */
    public static boolean reached(Instant deadline, Instant at) {
        return deadline != null && !deadline.isAfter(at);
    }

    /** The earliest deadline reached by {@code now}: the moment time's decision is owed from. */
    public Optional<Instant> earliestReached(Instant now) {
        return all().filter(t -> reached(t, now)).min(Instant::compareTo);
    }

    private Stream<Instant> all() {
        return Stream.concat(Stream.of(nextFull, retry, overdue, stall, graceEnds),
                windowExpiries.stream().map(Expiry::at)).filter(Objects::nonNull);
    }
}
