package io.datastores.backup.domain;

import java.time.Instant;

/** A completed full backup. {@code restorePoint} is false when it is not encrypted at rest. */
public record Backup(String backupId, Instant startedAt, Instant completedAt, long sizeBytes, String checksum,
        String encryptionKeyId, long startPosition, long endPosition, boolean restorePoint) {
}
