package io.datastores.backup.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.datastores.backup.domain.Backup;
import io.datastores.backup.domain.BackupPolicy;
import io.datastores.backup.domain.BackupState;
import io.datastores.backup.domain.Engine;
import io.datastores.backup.domain.FullBackups;
import io.datastores.backup.domain.InFlight;
import io.datastores.backup.domain.Lifecycle;
import io.datastores.backup.domain.LogArchive;
import io.datastores.backup.domain.Segment;

/** GET /instances/{id}/backups answers the fields it always did, in their order. */
class BackupsViewTest {

    private static final Instant T = Instant.parse("2026-03-02T06:00:00Z");

    @Test
    void theAnswerKeepsItsFieldsAndTheirOrder() {
        assertThat(Arrays.stream(BackupsView.class.getRecordComponents())
                .map(RecordComponent::getName))
                .containsExactly("status", "engine", "policy", "servingSince", "nextFullAt",
                        "pendingBackupId", "attempt", "retryAt", "lastSuccessAt", "overdueRaised",
                        "fulls", "wal", "lastArchivedAt", "lastArchivedEnd", "stallRaised",
                        "deletedAt",
                        "knownBackupIds", "scheduleMinute");
    }

    @Test
    void aRetryingBackupOfAServingInstanceIsFlattened() {
        Backup b = new Backup("b-1", T, T.plusSeconds(60), 10, "sha256:x", "key-1", 0, 100, true);
        Segment seg = new Segment("seg-1", 100, 200, T.plusSeconds(300), 3);
        BackupPolicy policy = new BackupPolicy(14, BackupPolicy.Mode.DAILY);
        Lifecycle serving = new Lifecycle.Serving(T, T.plusSeconds(86_400));
        InFlight retrying = new InFlight.Retrying("b-2", 3, T.plusSeconds(900));
        BackupState s = new BackupState(serving, Engine.MYSQL, policy, 90, retrying,
                new FullBackups(List.of(b), List.of("b-1", "b-2"), T.plusSeconds(60), true),
                new LogArchive(List.of(seg), T.plusSeconds(300), 200, false));
        assertThat(BackupsView.from(s)).isEqualTo(new BackupsView(BackupsView.Status.ACTIVE,
                "MYSQL", policy, T, T.plusSeconds(86_400), "b-2", 3, T.plusSeconds(900),
                T.plusSeconds(60), true, List.of(b), List.of(seg), T.plusSeconds(300), 200, false,
                null, List.of("b-1", "b-2"), 90));
    }

    @Test
    void aNewInstanceIsAnsweredAsItAlwaysWas() {
        BackupPolicy none = new BackupPolicy(0, BackupPolicy.Mode.LATEST_ONLY);
        assertThat(BackupsView.from(BackupState.initial())).isEqualTo(new BackupsView(
                BackupsView.Status.NEW, null, none, null, null, null, 0, null, null, false,
                List.of(), List.of(), null, -1, false, null, List.of(), null));
    }

    @Test
    void aDeletedInstanceKeepsWhenItServedAndWaitsForNothing() {
        BackupState s = BackupState.initial();
        s = new BackupState(new Lifecycle.Deleted(T, T.plusSeconds(60)), Engine.CACHE, s.policy(),
                null, new InFlight.Idle(), s.fulls(), s.archive());
        BackupsView v = BackupsView.from(s);
        assertThat(v.status()).isEqualTo(BackupsView.Status.DELETED);
        assertThat(v.servingSince()).isEqualTo(T);
        assertThat(v.deletedAt()).isEqualTo(T.plusSeconds(60));
        assertThat(v.nextFullAt()).isNull();
        assertThat(v.pendingBackupId()).isNull();
        assertThat(v.attempt()).isZero();
    }
}
