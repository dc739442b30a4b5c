package io.datastores.backup.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * How to restore an instance to {@code target}: a base backup, then the archived logs from its end
 * up to the archive entry that covers the target (recovery replays them up to the target).
 */
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
        // The logs to fetch reach the archive entry covering the target; recovery stops at the target.
        long to = state.archive().entries().stream().filter(s -> !s.archivedAt().isBefore(target))
                .min(java.util.Comparator.comparing(Segment::archivedAt))
                .map(Segment::endPosition).orElse(state.archive().lastArchivedEnd());
        return new Result(Optional.of(new RestorePlan(instanceId, target, base.backupId(), base.endPosition(),
                Math.max(to, base.endPosition()))), null);
    }

    /** The plan to the moment the archive reached {@code position}, or why there is none. */
    public static Result ofPosition(BackupState state, String instanceId, long position) {
        RestoreWindow w = state.window(instanceId);
        Optional<Segment> reaching = state.archive().entries().stream()
                .filter(s -> s.endPosition() >= position)
                .min(java.util.Comparator.comparing(Segment::archivedAt));
        Optional<Backup> base = w.fullBackups().stream().filter(b -> b.endPosition() >= position)
                .findFirst();
        Instant at = reaching.map(Segment::archivedAt).orElse(base.map(Backup::completedAt).orElse(null));
        if (at == null) {
            return new Result(Optional.empty(), "log position " + position + " is beyond the archive of " + instanceId
                    + " (archived up to " + w.lastArchivedPosition() + ")");
        }
        // A position inside the oldest retained full backup is restored from that backup onwards.
        Instant target = w.start() != null && at.isBefore(w.start()) ? w.start() : at;
        return of(state, instanceId, target);
    }

    /** The plan to the latest restorable point, or why there is none. */
    public static Result latest(BackupState state, String instanceId) {
        RestoreWindow w = state.window(instanceId);
        return w.end() == null ? new Result(Optional.empty(), "instance " + instanceId + " has no restore point yet")
                : of(state, instanceId, w.end());
    }

    /** A plan, or the reason there is none. */
    public record Result(Optional<RestorePlan> plan, String refusal) {
    }
}
