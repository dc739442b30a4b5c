package io.datastores.backup.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The full backups kept for an instance ({@code kept}), every backup id it asked for or recorded
 * ({@code knownIds}), when a restore point last completed, and whether the overdue alarm is
 * raised.
 */
public record FullBackups(List<Backup> kept, List<String> knownIds, Instant lastSuccessAt,
        boolean overdueRaised) {

    static FullBackups none() {
        return new FullBackups(List.of(), List.of(), null, false);
    }

    /** Restore points (encrypted full backups), oldest first. */
    public List<Backup> restorePoints() {
        return kept.stream().filter(Backup::restorePoint)
                .sorted(Comparator.comparing(Backup::completedAt)).toList();
    }

    boolean keeps(String backupId) {
        return kept.stream().anyMatch(b -> b.backupId().equals(backupId));
    }

    FullBackups requested(String backupId) {
        return new FullBackups(kept, append(knownIds, backupId), lastSuccessAt, overdueRaised);
    }

    /** With {@code b} kept; a newer restore point is a success, which clears the overdue alarm. */
    FullBackups recorded(Backup b) {
        List<Backup> more = new ArrayList<>(kept);
        more.add(b);
        boolean success = b.restorePoint()
                && (lastSuccessAt == null || b.completedAt().isAfter(lastSuccessAt));
        return new FullBackups(List.copyOf(more), append(knownIds, b.backupId()),
                success ? b.completedAt() : lastSuccessAt, overdueRaised && !success);
    }

    FullBackups overdue() {
        return new FullBackups(kept, knownIds, lastSuccessAt, true);
    }

    FullBackups without(String backupId) {
        List<Backup> rest = kept.stream().filter(b -> !b.backupId().equals(backupId)).toList();
        return new FullBackups(rest, knownIds, lastSuccessAt, overdueRaised);
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
