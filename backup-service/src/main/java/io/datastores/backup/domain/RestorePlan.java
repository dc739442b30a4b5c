package io.datastores.backup.domain;

import java.time.Instant;
import java.util.Optional;

/** How to restore an instance to {@code target}: a base backup, then logs from one position to another. */
public record RestorePlan(String instanceId, Instant target, String baseBackupId, long fromPosition, long toPosition) {

    /** The plan for {@code target}, or why there is none (with the window in the message). */
    public static Result of(BackupState state, String instanceId, Instant target) {
        RestoreWindow w = state.window(instanceId);
        if (!w.contains(target)) {
            return new Result(Optional.empty(), w.start() == null
                    ? "instance " + instanceId + " has no restore point yet"
                    : target + " is outside the restorable window " + w.start() + " .. " + w.end());
        }
        Backup base = w.fullBackups().stream().filter(b -> !b.completedAt().isAfter(target))
                .reduce((a, b) -> b).orElseThrow();
        long to = state.wal().stream().filter(s -> !s.archivedAt().isAfter(target))
                .mapToLong(Segment::endPosition).max().orElse(base.endPosition());
        return new Result(Optional.of(new RestorePlan(instanceId, target, base.backupId(), base.endPosition(),
                Math.max(to, base.endPosition()))), null);
    }

    /** A plan, or the reason there is none. */
    public record Result(Optional<RestorePlan> plan, String refusal) {
    }
}
