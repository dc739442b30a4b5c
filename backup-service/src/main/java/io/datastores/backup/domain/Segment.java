package io.datastores.backup.domain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Archived log (WAL, binlog, AOF deltas) kept for restores: contiguous segments archived within the
 * same hour are kept as one entry, so that a 30-day window holds about 720 entries, not 8,640.
 * {@code segment} names the last segment, {@code count} how many the entry covers, and
 * {@code archivedAt} when its last one was archived.
 */
public record Segment(String segment, long startPosition, long endPosition, Instant archivedAt, int count) {

    /** This entry with {@code next} appended, when next continues it within the same hour. */
    boolean absorbs(Segment next) {
        return endPosition == next.startPosition()
                && archivedAt.truncatedTo(ChronoUnit.HOURS).equals(next.archivedAt().truncatedTo(ChronoUnit.HOURS));
    }

    Segment append(Segment next) {
        return new Segment(next.segment(), startPosition, next.endPosition(), next.archivedAt(), count + next.count());
    }
}
