package io.datastores.backup.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The archived log kept for an instance ({@code entries}, see {@link Segment}), when a segment was
 * last archived and the position the archive reaches ({@code -1}: none yet), and whether the stall
 * alarm is raised.
 */
public record LogArchive(List<Segment> entries, Instant lastArchivedAt, long lastArchivedEnd,
        boolean stallRaised) {

    static LogArchive none() {
        return new LogArchive(List.of(), null, -1, false);
    }

    /** The number of segments the entries cover. */
    static int segments(List<Segment> entries) {
        return entries.stream().mapToInt(Segment::count).sum();
    }

    /** With {@code s} archived: added to the last entry when it continues it within the hour. */
    LogArchive archived(Segment s) {
        List<Segment> kept = new ArrayList<>(entries);
        if (!kept.isEmpty() && kept.get(kept.size() - 1).absorbs(s)) {
            kept.set(kept.size() - 1, kept.get(kept.size() - 1).append(s));
        } else {
            kept.add(s);
        }
        Instant at = lastArchivedAt == null || s.archivedAt().isAfter(lastArchivedAt)
                ? s.archivedAt() : lastArchivedAt;
        return new LogArchive(List.copyOf(kept), at, Math.max(lastArchivedEnd, s.endPosition()),
                false);
    }

    LogArchive stalled() {
        return new LogArchive(entries, lastArchivedAt, lastArchivedEnd, true);
    }

    LogArchive withoutUpTo(long position) {
        List<Segment> rest = entries.stream().filter(s -> s.endPosition() > position).toList();
        return new LogArchive(rest, lastArchivedAt, lastArchivedEnd, stallRaised);
    }
}
