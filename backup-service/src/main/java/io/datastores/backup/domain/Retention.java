package io.datastores.backup.domain;

import static io.datastores.backup.domain.BackupDeadlines.reached;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.datastores.backup.domain.BackupEvent.Expired;
import io.datastores.backup.domain.BackupEvent.WalExpired;

/**
 * What is kept, on event time (pgBackRest's and Barman's recovery windows): a full backup leaves
 * when a newer one anchors the window's start, so the whole window stays restorable; the newest is
 * never expired; logs older than the oldest retained full backup go with it. Latest-only plans
 * keep the newest full backup. A backup not encrypted at rest is no restore point and goes at
 * once. After deletion, everything is kept for the grace period, then expired.
 */
final class Retention {

    private Retention() {
    }

    /** A completed backup without an encryption key: flagged, and expired. */
    static List<BackupEvent> notRestorable(String instanceId, String backupId) {
        return List.of(new BackupEvent.NotRestorable(instanceId, backupId,
                        "no encryption key id: backups must be encrypted at rest"),
                new Expired(instanceId, backupId,
                        "not encrypted at rest, so not a restore point"));
    }

    /** Expires what has left the window at {@code at}; the newest full backup always stays. */
    static List<BackupEvent> retain(String instanceId, BackupState s, BackupDeadlines d,
            Instant at) {
        List<Backup> points = s.restorePoints();
        if (s.lifecycle().deleted() || points.isEmpty()) {
            return List.of(); // a deleted instance's backups are kept for the grace period
        }
        List<Backup> gone = new ArrayList<>();
        String reason;
        if (s.policy().latestOnly()) {
            gone.addAll(points.subList(0, points.size() - 1));
            reason = "the plan keeps the latest backup only";
        } else {
            d.windowExpiries().stream().filter(x -> reached(x.at(), at))
                    .forEach(x -> gone.add(x.backup()));
            reason = "older than the " + s.policy().retentionDays()
                    + "-day window and not its anchor";
        }
        List<BackupEvent> events = new ArrayList<>();
        gone.forEach(b -> events.add(new Expired(instanceId, b.backupId(), reason)));
        Backup oldestKept = points.get(gone.size());
        long oldestStart = oldestKept.startPosition();
        List<Segment> old = s.archive().entries().stream()
                .filter(seg -> seg.endPosition() <= oldestStart).toList();
        if (!old.isEmpty()) {
            events.add(new WalExpired(instanceId, oldestStart, LogArchive.segments(old),
                    "older than the oldest retained full backup " + oldestKept.backupId()));
        }
        return events;
    }

    /** What time owes a deleted instance at {@code at}: after the grace period, all it kept. */
    static List<BackupEvent> tick(String instanceId, BackupState s, BackupDeadlines d,
            Duration grace, Instant at) {
        if (!reached(d.graceEnds(), at)) {
            return List.of();
        }
        List<BackupEvent> events = new ArrayList<>();
        for (Backup b : s.fulls().kept()) {
            events.add(new Expired(instanceId, b.backupId(),
                    "the instance was deleted " + grace.toDays() + " days ago"));
        }
        LogArchive archive = s.archive();
        if (!archive.entries().isEmpty()) {
            events.add(new WalExpired(instanceId, archive.lastArchivedEnd(),
                    LogArchive.segments(archive.entries()), "the instance was deleted"));
        }
        return events;
    }
}
