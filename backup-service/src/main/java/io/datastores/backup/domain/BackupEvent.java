package io.datastores.backup.domain;

import java.time.Instant;

/** What backup-service decided. */
public sealed interface BackupEvent {

    /** Published: the data plane is asked for a backup. */
    record Requested(String instanceId, String backupId, BackupKind kind, Instant scheduledFor) implements BackupEvent {
    }

    /** Internal: a finished backup is recorded; a restore point only when it is encrypted. */
    record Recorded(Backup backup) implements BackupEvent {
    }

    /** Internal: a requested backup failed. */
    record FailureRecorded(String backupId, String reason) implements BackupEvent {
    }

    /** Internal: the instance is deleted. */
    record InstanceDeleted(String instanceId) implements BackupEvent {
    }
}
