package io.datastores.backup.domain;

import static io.datastores.backup.domain.BackupDeadlines.reached;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.datastores.backup.domain.BackupCommand.Archived;

/**
 * Archived log segments are tracked: a segment that does not start where the archive ends raises
 * an alarm, and so does archiving silent for twice its {@link #LOG_CADENCE}. A segment the archive
 * already covers (a re-delivery) changes nothing.
 */
final class Archiving {

    static final Duration LOG_CADENCE = Duration.ofMinutes(5);
    static final Duration STALL_AFTER = LOG_CADENCE.multipliedBy(2);

    private Archiving() {
    }

    /** A segment archived by the data plane. */
    static List<BackupEvent> archived(Archived a, BackupState state) {
        long end = state.archive().lastArchivedEnd();
        if (!state.lifecycle().tracked() || a.endPosition() <= end) {
            return List.of(); // unknown instance, or a segment already covered (a re-delivery)
        }
        List<BackupEvent> events = new ArrayList<>();
        if (end >= 0 && a.startPosition() > end) {
            events.add(new BackupEvent.GapDetected(a.instanceId(), GapKind.MISSING_SEGMENT, end,
                    "segment " + a.segment() + " starts at " + a.startPosition()
                            + " but the archive ends at " + end));
        }
        events.add(new BackupEvent.SegmentRecorded(new Segment(a.segment(), a.startPosition(),
                a.endPosition(), a.archivedAt(), 1)));
        return events;
    }

    /** What time owes the archive at {@code at}: the stall alarm. */
    static List<BackupEvent> tick(String instanceId, BackupState s, BackupDeadlines d,
            Instant at) {
        if (!reached(d.stall(), at)) {
            return List.of();
        }
        LogArchive archive = s.archive();
        return List.of(new BackupEvent.GapDetected(instanceId, GapKind.STALLED,
                archive.lastArchivedEnd(), "no log archived since " + archive.lastArchivedAt()
                        + " (cadence " + LOG_CADENCE.toMinutes() + " minutes)"));
    }
}
