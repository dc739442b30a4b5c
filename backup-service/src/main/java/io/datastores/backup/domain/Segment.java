package io.datastores.backup.domain;

import java.time.Instant;

/** An archived log segment (WAL, binlog, AOF delta) and the log positions it covers. */
public record Segment(String segment, long startPosition, long endPosition, Instant archivedAt) {
}
