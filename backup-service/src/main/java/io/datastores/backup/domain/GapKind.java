package io.datastores.backup.domain;

/** What is wrong with the log archive: a segment is missing, or archiving went silent. */
public enum GapKind {
    MISSING_SEGMENT, STALLED
}
