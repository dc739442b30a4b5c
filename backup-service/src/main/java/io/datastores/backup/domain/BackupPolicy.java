package io.datastores.backup.domain;

/**
 * What a plan promises about backups (DOMAIN.md, "Backup retention"), as provisioning publishes it
 * from the catalog: how far back a restore can reach, and whether backups are daily with archived
 * logs or the latest one only.
 */
public record BackupPolicy(int retentionDays, Mode mode) {

    public enum Mode {
        DAILY, LATEST_ONLY
    }

    /** What an instance not yet tracked is held to: the latest backup only. */
    static BackupPolicy none() {
        return new BackupPolicy(0, Mode.LATEST_ONLY);
    }

    /** Keeps the latest full backup only: no window to keep restorable. */
    public boolean latestOnly() {
        return mode == Mode.LATEST_ONLY || retentionDays <= 0;
    }
}
