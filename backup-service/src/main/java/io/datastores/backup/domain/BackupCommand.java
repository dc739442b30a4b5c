package io.datastores.backup.domain;

import java.time.Instant;

/** What backup-service is told about an instance and its backups, or what time asks of it. */
public sealed interface BackupCommand {

    /** The instance the command is about (the key of its aggregate). */
    String instanceId();

    /** Provisioning accepted the instance, with its plan's backup policy. */
    record Track(String instanceId, Engine engine, BackupPolicy policy) implements BackupCommand {
    }

    /** The instance serves: its first full backup now, then one a day at its scheduled minute. */
    record Serve(String instanceId) implements BackupCommand {
    }

    /** The plan changed: a new window. */
    record ChangePolicy(String instanceId, BackupPolicy policy) implements BackupCommand {
    }

    /** The instance is deleted: backups are kept for the grace period, then expired. */
    record Gone(String instanceId) implements BackupCommand {
    }

    /** The data plane finished a full backup. */
    record Completed(String instanceId, String backupId, Instant startedAt, Instant completedAt, long sizeBytes,
            String checksum, String encryptionKeyId, long startPosition, long endPosition) implements BackupCommand {
    }

    /** The data plane could not finish a backup. */
    record Failed(String instanceId, String backupId, String reason) implements BackupCommand {
    }

    /** The data plane archived a log segment. */
    record Archived(String instanceId, String segment, long startPosition, long endPosition, Instant archivedAt)
            implements BackupCommand {
    }

    /**
     * A restore is asked for (failover restoring a single-node instance, or an operator): to
     * {@code targetPosition} when given, else to the latest restorable point.
     */
    record PlanRestore(String requestId, String instanceId, Long targetPosition) implements BackupCommand {
    }

    /** An operator sets the minute of the day the daily full backup runs (null: the spread default). */
    record SetSchedule(String instanceId, Integer minuteOfDay) implements BackupCommand {
    }

    /** Time has come for what {@link BackupDecider#due} said was due. */
    record Tick(String instanceId) implements BackupCommand {
    }
}
