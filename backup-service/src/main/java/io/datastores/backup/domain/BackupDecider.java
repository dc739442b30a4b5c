package io.datastores.backup.domain;

import java.time.Instant;
import java.util.List;

import io.datastores.kit.decider.Decider;

/**
 * The backups of one instance. When an instance starts serving it gets its first full backup at
 * once (single-node recovery restores from the latest full backup, so none may be missing);
 * finished backups are recorded, and one without an encryption key is kept but never offered as a
 * restore point. Daily schedules, log archiving and retention build on this (issue 5).
 */
public final class BackupDecider implements Decider<BackupCommand, BackupState, BackupEvent> {

    @Override
    public BackupState initialState() {
        return BackupState.initial();
    }

    @Override
    public List<BackupEvent> decide(BackupCommand command, BackupState state, Instant at) {
        if (command instanceof BackupCommand.InstanceServing s) {
            String backupId = s.instanceId() + "-full-initial";
            if (state.deleted() || state.requested().contains(backupId)) {
                return List.of();
            }
            return List.of(new BackupEvent.Requested(s.instanceId(), backupId, BackupKind.FULL, at));
        }
        if (command instanceof BackupCommand.RecordCompleted c) {
            if (state.backups().stream().anyMatch(b -> b.backupId().equals(c.backupId()))) {
                return List.of();
            }
            boolean encrypted = c.encryptionKeyId() != null && !c.encryptionKeyId().isBlank();
            return List.of(new BackupEvent.Recorded(new Backup(c.backupId(), c.kind(), c.startedAt(),
                    c.completedAt(), c.sizeBytes(), c.checksum(), c.encryptionKeyId(), c.startPosition(),
                    c.endPosition(), encrypted)));
        }
        if (command instanceof BackupCommand.RecordFailed f) {
            return List.of(new BackupEvent.FailureRecorded(f.backupId(), f.reason()));
        }
        if (command instanceof BackupCommand.InstanceGone g) {
            return state.deleted() ? List.of() : List.of(new BackupEvent.InstanceDeleted(g.instanceId()));
        }
        throw new IllegalArgumentException("unknown command " + command);
    }

    @Override
    public BackupState evolve(BackupState state, BackupEvent event) {
        if (event instanceof BackupEvent.Requested r) {
            return state.withRequested(r.backupId());
        }
        if (event instanceof BackupEvent.Recorded r) {
            return state.withBackup(r.backup());
        }
        if (event instanceof BackupEvent.FailureRecorded f) {
            return state.withFailure(f.backupId() + ": " + f.reason());
        }
        return state.asDeleted();
    }
}
