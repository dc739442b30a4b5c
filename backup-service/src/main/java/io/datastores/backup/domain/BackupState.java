package io.datastores.backup.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What backup-service knows of one instance: its policy and schedule (an operator's
 * {@code scheduleMinute}, or null for the spread default), the full backups and log segments it
 * keeps, the backup it waits for, and which alarms are raised.
 */
public record BackupState(Status status, String engine, BackupPolicy policy, Instant servingSince, Instant nextFullAt,
        String pendingBackupId, int attempt, Instant retryAt, Instant lastSuccessAt, boolean overdueRaised,
        List<Backup> fulls, List<Segment> wal, Instant lastArchivedAt, long lastArchivedEnd, boolean stallRaised,
        Instant deletedAt, List<String> knownBackupIds, Integer scheduleMinute) {

    /** NEW: never heard of. KNOWN: accepted, not yet serving. ACTIVE: backed up daily. DELETED: in its grace period. */
    public enum Status {
        NEW, KNOWN, ACTIVE, DELETED
    }

    public static BackupState initial() {
        return new BackupState(Status.NEW, null, new BackupPolicy(0, BackupPolicy.Mode.LATEST_ONLY), null, null, null,
                0, null, null, false, List.of(), List.of(), null, -1, false, null, List.of(), null);
    }

    /** Restore points (encrypted full backups), oldest first. */
    public List<Backup> restorePoints() {
        return fulls.stream().filter(Backup::restorePoint).sorted(Comparator.comparing(Backup::completedAt)).toList();
    }

    /** The restorable window: oldest retained restore point to the latest archived log after the newest one. */
    public RestoreWindow window(String instanceId) {
        List<Backup> points = restorePoints();
        if (points.isEmpty()) {
            return new RestoreWindow(instanceId, policy.retentionDays(), policy.mode().name(), null, null,
                    lastArchivedEnd, List.of(), status == Status.DELETED);
        }
        Backup newest = points.get(points.size() - 1);
        Instant end = newest.completedAt();
        if (lastArchivedAt != null && lastArchivedEnd >= newest.endPosition() && lastArchivedAt.isAfter(end)) {
            end = lastArchivedAt;
        }
        return new RestoreWindow(instanceId, policy.retentionDays(), policy.mode().name(),
                points.get(0).completedAt(), end, lastArchivedEnd, points, status == Status.DELETED);
    }

    BackupState with(Status s) {
        return new BackupState(s, engine, policy, servingSince, nextFullAt, pendingBackupId, attempt, retryAt,
                lastSuccessAt, overdueRaised, fulls, wal, lastArchivedAt, lastArchivedEnd, stallRaised, deletedAt,
                knownBackupIds, scheduleMinute);
    }

    BackupState tracked(String e, BackupPolicy p) {
        return new BackupState(Status.KNOWN, e, p, servingSince, nextFullAt, pendingBackupId, attempt, retryAt,
                lastSuccessAt, overdueRaised, fulls, wal, lastArchivedAt, lastArchivedEnd, stallRaised, deletedAt,
                knownBackupIds, scheduleMinute);
    }

    BackupState withPolicy(BackupPolicy p) {
        return new BackupState(status, engine, p, servingSince, nextFullAt, pendingBackupId, attempt, retryAt,
                lastSuccessAt, overdueRaised, fulls, wal, lastArchivedAt, lastArchivedEnd, stallRaised, deletedAt,
                knownBackupIds, scheduleMinute);
    }

    BackupState serving(Instant since, Instant next) {
        return new BackupState(Status.ACTIVE, engine, policy, since, next, pendingBackupId, attempt, retryAt,
                lastSuccessAt, overdueRaised, fulls, wal, lastArchivedAt, lastArchivedEnd, stallRaised, deletedAt,
                knownBackupIds, scheduleMinute);
    }

    BackupState requested(String backupId, int att, Instant next) {
        return new BackupState(status, engine, policy, servingSince, next, backupId, att, null, lastSuccessAt,
                overdueRaised, fulls, wal, lastArchivedAt, lastArchivedEnd, stallRaised, deletedAt,
                append(knownBackupIds, backupId), scheduleMinute);
    }

    BackupState recorded(Backup b) {
        boolean pending = b.backupId().equals(pendingBackupId);
        List<Backup> kept = new ArrayList<>(fulls);
        kept.add(b);
        Instant success = b.restorePoint() && (lastSuccessAt == null || b.completedAt().isAfter(lastSuccessAt))
                ? b.completedAt() : lastSuccessAt;
        return new BackupState(status, engine, policy, servingSince, nextFullAt, pending ? null : pendingBackupId,
                pending ? 0 : attempt, pending ? null : retryAt, success,
                overdueRaised && success == lastSuccessAt, List.copyOf(kept), wal, lastArchivedAt, lastArchivedEnd,
                stallRaised, deletedAt, append(knownBackupIds, b.backupId()), scheduleMinute);
    }

    BackupState failed(int att, Instant retry) {
        return new BackupState(status, engine, policy, servingSince, nextFullAt, pendingBackupId, att, retry,
                lastSuccessAt, overdueRaised, fulls, wal, lastArchivedAt, lastArchivedEnd, stallRaised, deletedAt,
                knownBackupIds, scheduleMinute);
    }

    BackupState overdue() {
        return new BackupState(status, engine, policy, servingSince, nextFullAt, pendingBackupId, attempt, retryAt,
                lastSuccessAt, true, fulls, wal, lastArchivedAt, lastArchivedEnd, stallRaised, deletedAt,
                knownBackupIds, scheduleMinute);
    }

    BackupState archived(Segment s) {
        List<Segment> kept = new ArrayList<>(wal);
        if (!kept.isEmpty() && kept.get(kept.size() - 1).absorbs(s)) {
            kept.set(kept.size() - 1, kept.get(kept.size() - 1).append(s));
        } else {
            kept.add(s);
        }
        Instant at = lastArchivedAt == null || s.archivedAt().isAfter(lastArchivedAt) ? s.archivedAt() : lastArchivedAt;
        return new BackupState(status, engine, policy, servingSince, nextFullAt, pendingBackupId, attempt, retryAt,
                lastSuccessAt, overdueRaised, fulls, List.copyOf(kept), at, Math.max(lastArchivedEnd, s.endPosition()),
                false, deletedAt, knownBackupIds, scheduleMinute);
    }

    BackupState stalled() {
        return new BackupState(status, engine, policy, servingSince, nextFullAt, pendingBackupId, attempt, retryAt,
                lastSuccessAt, overdueRaised, fulls, wal, lastArchivedAt, lastArchivedEnd, true, deletedAt,
                knownBackupIds, scheduleMinute);
    }

    BackupState withoutBackup(String backupId) {
        return new BackupState(status, engine, policy, servingSince, nextFullAt, pendingBackupId, attempt, retryAt,
                lastSuccessAt, overdueRaised, fulls.stream().filter(b -> !b.backupId().equals(backupId)).toList(),
                wal, lastArchivedAt, lastArchivedEnd, stallRaised, deletedAt, knownBackupIds, scheduleMinute);
    }

    BackupState withoutWalUpTo(long position) {
        return new BackupState(status, engine, policy, servingSince, nextFullAt, pendingBackupId, attempt, retryAt,
                lastSuccessAt, overdueRaised, fulls, wal.stream().filter(s -> s.endPosition() > position).toList(),
                lastArchivedAt, lastArchivedEnd, stallRaised, deletedAt, knownBackupIds, scheduleMinute);
    }

    BackupState withSchedule(Integer minute, Instant next) {
        return new BackupState(status, engine, policy, servingSince, status == Status.ACTIVE ? next : nextFullAt,
                pendingBackupId, attempt, retryAt, lastSuccessAt, overdueRaised, fulls, wal, lastArchivedAt,
                lastArchivedEnd, stallRaised, deletedAt, knownBackupIds, minute);
    }

    BackupState deleted(Instant at) {
        return new BackupState(Status.DELETED, engine, policy, servingSince, null, null, 0, null, lastSuccessAt,
                overdueRaised, fulls, wal, lastArchivedAt, lastArchivedEnd, stallRaised, at, knownBackupIds, scheduleMinute);
    }

    private static List<String> append(List<String> list, String item) {
        if (list.contains(item)) {
            return list;
        }
        List<String> copy = new ArrayList<>(list);
        copy.add(item);
        return List.copyOf(copy);
    }
}
