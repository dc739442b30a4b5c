package io.datastores.backup.domain;

import java.time.Instant;

/** What backup-service is told about an instance and its backups. */
public sealed interface BackupCommand {

    /** The instance serves: it needs its first full backup now. */
    record InstanceServing(String instanceId) implements BackupCommand {
    }

    /** The instance is deleted. */
    record InstanceGone(String instanceId) implements BackupCommand {
    }

    /** The data plane finished a backup. */
    record RecordCompleted(String instanceId, String backupId, BackupKind kind, Instant startedAt, Instant completedAt,
            long sizeBytes, String checksum, String encryptionKeyId, long startPosition, long endPosition)
            implements BackupCommand {
    }

    /** The data plane could not finish a backup. */
    record RecordFailed(String instanceId, String backupId, String reason) implements BackupCommand {
    }
}
