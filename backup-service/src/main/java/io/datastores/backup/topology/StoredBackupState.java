package io.datastores.backup.topology;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.datastores.backup.domain.Backup;
import io.datastores.backup.domain.BackupPolicy;
import io.datastores.backup.domain.BackupState;
import io.datastores.backup.domain.Engine;
import io.datastores.backup.domain.FullBackups;
import io.datastores.backup.domain.InFlight;
import io.datastores.backup.domain.Lifecycle;
import io.datastores.backup.domain.LogArchive;
import io.datastores.backup.domain.Segment;
import io.datastores.kit.json.JsonSerde;

/**
 * The previous version's stored {@link BackupState} (up to commit e1d90b6): 18 fields side by
 * side, written as JSON by the kit's {@link JsonSerde}. {@link #state} moves each one to one into
 * this version's typed state: {@code status} with {@code servingSince}, {@code nextFullAt} and
 * {@code deletedAt} into the {@link Lifecycle} phase; {@code pendingBackupId}, {@code attempt} and
 * {@code retryAt} into the {@link InFlight} phase; the full backups' fields into
 * {@link FullBackups}; the archived log's into {@link LogArchive}. The engine's name reads as
 * {@link Engine} (the same symbols).
 */
record StoredBackupState(Status status, String engine, BackupPolicy policy,
        Instant servingSince, Instant nextFullAt, String pendingBackupId, int attempt,
        Instant retryAt, Instant lastSuccessAt, boolean overdueRaised, List<Backup> fulls,
        List<Segment> wal, Instant lastArchivedAt, long lastArchivedEnd, boolean stallRaised,
        Instant deletedAt, List<String> knownBackupIds, Integer scheduleMinute) {

    /** The previous version's phases of an instance's life. */
    enum Status {
        NEW, KNOWN, ACTIVE, DELETED
    }

    /** Whether {@code stored} is in the previous version's flat shape, not this version's. */
    static boolean flat(JsonNode stored) {
        return stored.has("status") && !stored.has("lifecycle");
    }

    /** The previous version's {@code stored} state, as this version's. */
    static BackupState read(JsonNode stored) throws JsonProcessingException {
        return JsonSerde.MAPPER.treeToValue(stored, StoredBackupState.class).state();
    }

    /** This state as this version's, field for field. */
    BackupState state() {
        Lifecycle lifecycle = switch (status) {
            case NEW -> new Lifecycle.Untracked();
            case KNOWN -> new Lifecycle.Known();
            case ACTIVE -> new Lifecycle.Serving(servingSince, nextFullAt);
            case DELETED -> new Lifecycle.Deleted(servingSince, deletedAt);
        };
        InFlight inFlight;
        if (pendingBackupId == null) {
            inFlight = new InFlight.Idle();
        } else if (retryAt == null) {
            inFlight = new InFlight.Running(pendingBackupId, attempt);
        } else {
            inFlight = new InFlight.Retrying(pendingBackupId, attempt, retryAt);
        }
        return new BackupState(lifecycle, engine == null ? null : Engine.valueOf(engine), policy,
                scheduleMinute, inFlight,
                new FullBackups(list(fulls), list(knownBackupIds), lastSuccessAt, overdueRaised),
                new LogArchive(list(wal), lastArchivedAt, lastArchivedEnd, stallRaised));
    }

    private static <T> List<T> list(List<T> stored) {
        return stored == null ? List.of() : List.copyOf(stored);
    }
}
