package io.datastores.backup.domain;

import java.util.ArrayList;
import java.util.List;

/** What backup-service knows of one instance: requested, finished and failed backups. */
public record BackupState(boolean deleted, List<String> requested, List<Backup> backups, List<String> failures) {

    public static BackupState initial() {
        return new BackupState(false, List.of(), List.of(), List.of());
    }

    BackupState withRequested(String backupId) {
        return new BackupState(deleted, append(requested, backupId), backups, failures);
    }

    BackupState withBackup(Backup backup) {
        return new BackupState(deleted, requested, append(backups, backup), failures);
    }

    BackupState withFailure(String failure) {
        return new BackupState(deleted, requested, backups, append(failures, failure));
    }

    BackupState asDeleted() {
        return new BackupState(true, requested, backups, failures);
    }

    private static <T> List<T> append(List<T> list, T item) {
        List<T> copy = new ArrayList<>(list);
        copy.add(item);
        return List.copyOf(copy);
    }
}
