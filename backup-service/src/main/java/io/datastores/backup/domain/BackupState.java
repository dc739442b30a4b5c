package io.datastores.backup.domain;

import java.time.Instant;
import java.util.List;

/**
 * What backup-service knows of one instance: where it is in its life, its engine, policy and
 * schedule (an operator's {@code scheduleMinute}, or null for the spread default), the full backup
 * it waits for, the full backups and the archived log it keeps (each with its alarm).
 */
public record BackupState(Lifecycle lifecycle, Engine engine, BackupPolicy policy,
        Integer scheduleMinute, InFlight inFlight, FullBackups fulls, LogArchive archive) {

    public static BackupState initial() {
        return new BackupState(new Lifecycle.Untracked(), null, BackupPolicy.none(), null,
                new InFlight.Idle(), FullBackups.none(), LogArchive.none());
    }

    /** Restore points (encrypted full backups), oldest first. */
    public List<Backup> restorePoints() {
        return fulls.restorePoints();
    }

    /**
     * The restorable window: oldest retained restore point to the latest archived log after the
     * newest one.
     */
    public RestoreWindow window(String instanceId) {
        List<Backup> points = restorePoints();
        long archivedEnd = archive.lastArchivedEnd();
        if (points.isEmpty()) {
            return new RestoreWindow(instanceId, policy.retentionDays(), policy.mode(), null, null,
                    archivedEnd, List.of(), lifecycle.deleted());
        }
        Backup newest = points.get(points.size() - 1);
        Instant end = newest.completedAt();
        Instant archivedAt = archive.lastArchivedAt();
        if (archivedAt != null && archivedEnd >= newest.endPosition() && archivedAt.isAfter(end)) {
            end = archivedAt;
        }
        return new RestoreWindow(instanceId, policy.retentionDays(), policy.mode(),
                points.get(0).completedAt(), end, archivedEnd, points, lifecycle.deleted());
    }

    BackupState with(Lifecycle l) {
        return new BackupState(l, engine, policy, scheduleMinute, inFlight, fulls, archive);
    }

    BackupState with(InFlight f) {
        return new BackupState(lifecycle, engine, policy, scheduleMinute, f, fulls, archive);
    }

    BackupState with(FullBackups f) {
        return new BackupState(lifecycle, engine, policy, scheduleMinute, inFlight, f, archive);
    }

    BackupState with(LogArchive a) {
        return new BackupState(lifecycle, engine, policy, scheduleMinute, inFlight, fulls, a);
    }

    BackupState tracked(Engine e, BackupPolicy p) {
        return new BackupState(new Lifecycle.Known(), e, p, scheduleMinute, inFlight, fulls,
                archive);
    }

    BackupState with(BackupPolicy p) {
        return new BackupState(lifecycle, engine, p, scheduleMinute, inFlight, fulls, archive);
    }

    BackupState withSchedule(Integer minute) {
        return new BackupState(lifecycle, engine, policy, minute, inFlight, fulls, archive);
    }
}
