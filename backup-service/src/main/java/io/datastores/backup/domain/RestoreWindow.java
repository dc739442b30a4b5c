package io.datastores.backup.domain;

import java.time.Instant;
import java.util.List;

/**
 * What an instance can be restored to: from its oldest retained full backup to its latest archived
 * log, and the full backups in that window. {@code start} and {@code end} are null while there is
 * no restore point.
 */
public record RestoreWindow(String instanceId, int retentionDays, BackupPolicy.Mode backupMode,
        Instant start, Instant end, long lastArchivedPosition, List<Backup> fullBackups,
        boolean deleted) {

    public boolean contains(Instant t) {
        return start != null && !t.isBefore(start) && !t.isAfter(end);
    }
}
