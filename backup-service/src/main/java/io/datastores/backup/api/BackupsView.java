package io.datastores.backup.api;

import java.time.Instant;
import java.util.List;

import io.datastores.backup.domain.Backup;
import io.datastores.backup.domain.BackupPolicy;
import io.datastores.backup.domain.BackupState;
import io.datastores.backup.domain.FullBackups;
import io.datastores.backup.domain.InFlight;
import io.datastores.backup.domain.Lifecycle;
import io.datastores.backup.domain.LogArchive;
import io.datastores.backup.domain.Segment;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The answer of {@code GET /instances/{id}/backups}, field for field as it always was (the
 * dashboard reads it, the OpenAPI schema keeps its name): {@link BackupState}, flattened.
 */
@Serdeable
@Schema(name = "BackupState", description = "What backup-service knows of one instance: its"
        + " policy and schedule (an operator's `scheduleMinute`, or null for the spread default),"
        + " the full backups and log segments it keeps, the backup it waits for, and which alarms"
        + " are raised.")
public record BackupsView(Status status, String engine, BackupPolicy policy, Instant servingSince,
        Instant nextFullAt, String pendingBackupId, int attempt, Instant retryAt,
        Instant lastSuccessAt, boolean overdueRaised, List<Backup> fulls, List<Segment> wal,
        Instant lastArchivedAt, long lastArchivedEnd, boolean stallRaised, Instant deletedAt,
        List<String> knownBackupIds, Integer scheduleMinute) {

    /** Where the instance is in its life. */
    @Serdeable
    @Schema(name = "BackupState.Status", description = "NEW: never heard of. KNOWN: accepted, not"
            + " yet serving. ACTIVE: backed up daily. DELETED: in its grace period.")
    public enum Status {
        NEW, KNOWN, ACTIVE, DELETED
    }

    /** The answer for {@code state}. */
    public static BackupsView from(BackupState state) {
        Lifecycle life = state.lifecycle();
        Status status = life.match(u -> Status.NEW, k -> Status.KNOWN, s -> Status.ACTIVE,
                d -> Status.DELETED);
        Instant servingSince = life.match(u -> null, k -> null, Lifecycle.Serving::since,
                Lifecycle.Deleted::servingSince);
        Instant nextFullAt = life.match(u -> null, k -> null, Lifecycle.Serving::nextFullAt,
                d -> null);
        Instant deletedAt = life.match(u -> null, k -> null, s -> null, Lifecycle.Deleted::at);
        InFlight f = state.inFlight();
        FullBackups fulls = state.fulls();
        LogArchive log = state.archive();
        String engine = state.engine() == null ? null : state.engine().name();
        return new BackupsView(status, engine, state.policy(), servingSince, nextFullAt,
                f.backupId(), f.attempt(), f.retryAt(), fulls.lastSuccessAt(),
                fulls.overdueRaised(), fulls.kept(), log.entries(), log.lastArchivedAt(),
                log.lastArchivedEnd(), log.stallRaised(), deletedAt, fulls.knownIds(),
                state.scheduleMinute());
    }
}
