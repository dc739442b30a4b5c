package io.datastores.backup.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class BackupDeciderTest {

    private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");
    private final BackupDecider decider = new BackupDecider();

    private BackupState given(BackupCommand... commands) {
        BackupState state = decider.initialState();
        for (BackupCommand c : commands) {
            for (BackupEvent e : decider.decide(c, state, T)) {
                state = decider.evolve(state, e);
            }
        }
        return state;
    }

    private static BackupCommand.RecordCompleted completed(String id, String keyId) {
        return new BackupCommand.RecordCompleted("i-1", id, BackupKind.FULL, T, T.plusSeconds(60), 1000, "sha256:x",
                keyId, 0, 100);
    }

    @Test
    void givenAnInstanceServing_thenItsFirstFullBackupIsRequestedAtOnceAndOnlyOnce() {
        List<BackupEvent> events = decider.decide(new BackupCommand.InstanceServing("i-1"), given(), T);
        assertThat(events).singleElement().isInstanceOfSatisfying(BackupEvent.Requested.class, r -> {
            assertThat(r.kind()).isEqualTo(BackupKind.FULL);
            assertThat(r.scheduledFor()).isEqualTo(T);
        });
        assertThat(decider.decide(new BackupCommand.InstanceServing("i-1"),
                given(new BackupCommand.InstanceServing("i-1")), T)).isEmpty();
    }

    @Test
    void givenAnUnencryptedBackup_thenItIsKeptButIsNoRestorePoint() {
        BackupState state = given(completed("b-1", "key-1"), completed("b-2", null), completed("b-1", "key-1"));
        assertThat(state.backups()).extracting(Backup::backupId).containsExactly("b-1", "b-2");
        assertThat(state.backups()).extracting(Backup::restorePoint).containsExactly(true, false);
    }

    @Test
    void givenADeletedInstance_thenNoBackupIsRequested() {
        BackupState deleted = given(new BackupCommand.InstanceGone("i-1"));
        assertThat(decider.decide(new BackupCommand.InstanceServing("i-1"), deleted, T)).isEmpty();
        assertThat(given(new BackupCommand.RecordFailed("i-1", "b-9", "disk full")).failures())
                .containsExactly("b-9: disk full");
    }
}
