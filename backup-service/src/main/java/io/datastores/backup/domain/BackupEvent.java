package io.datastores.backup.domain;

import java.time.Instant;

/** What backup-service decided; the internal ones only change its state. */
public sealed interface BackupEvent {

    /** Internal: the instance and its policy are known. */
    record Tracked(Engine engine, BackupPolicy policy) implements BackupEvent {
    }

    /** Internal: the instance serves from {@code since}; the next daily full is at {@code nextFullAt}. */
    record Serving(Instant since, Instant nextFullAt) implements BackupEvent {
    }

    /** Internal: the daily full backup runs at another minute from now on. */
    record ScheduleChanged(Integer minuteOfDay, Instant nextFullAt) implements BackupEvent {
    }

    /** Internal: the window moved with the plan. */
    record PolicyChanged(BackupPolicy policy) implements BackupEvent {
    }

    /** Published: the data plane is asked for a full backup. */
    record Requested(String instanceId, String backupId, Instant scheduledFor, int attempt, Instant nextFullAt)
            implements BackupEvent {
    }

    /** Internal: a completed full backup is kept (a restore point only when encrypted). */
    record Recorded(Backup backup) implements BackupEvent {
    }

    /** Published: a completed backup is not a restore point. */
    record NotRestorable(String instanceId, String backupId, String reason) implements BackupEvent {
    }

    /** Internal: a requested backup failed; it is asked again at {@code retryAt}. */
    record FailureRecorded(String backupId, String reason, int attempt, Instant retryAt) implements BackupEvent {
    }

    /** Published: no successful full backup for {@link BackupDecider#OVERDUE_AFTER}. */
    record Overdue(String instanceId, Instant lastSuccessAt, Instant dueSince) implements BackupEvent {
    }

    /** Internal: a log segment is archived. */
    record SegmentRecorded(Segment segment) implements BackupEvent {
    }

    /** Published: a missing segment, or archiving stalled beyond twice its cadence. */
    record GapDetected(String instanceId, GapKind kind, long lastArchivedPosition, String detail)
            implements BackupEvent {
    }

    /** Published: a backup left the window and is deleted. */
    record Expired(String instanceId, String backupId, String reason) implements BackupEvent {
    }

    /** Published: logs older than the oldest retained full backup are deleted with it. */
    record WalExpired(String instanceId, long upToPosition, int segments, String reason) implements BackupEvent {
    }

    /** Internal: the instance is deleted at {@code at}. */
    record Deleted(Instant at) implements BackupEvent {
    }

    /** Published: how to restore, answering a request. */
    record RestorePlanned(String requestId, RestorePlan plan) implements BackupEvent {
    }

    /** Published: a restore that cannot be done, with the window in the reason. */
    record RestoreRefused(String requestId, String instanceId, String reason) implements BackupEvent {
    }

    /** Published: the restorable window changed. */
    record WindowChanged(RestoreWindow window) implements BackupEvent {
    }
}
