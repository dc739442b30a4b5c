package io.datastores.backup.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.datastores.backup.api.BackupsView;
import io.datastores.backup.domain.Backup;
import io.datastores.backup.domain.BackupPolicy;
import io.datastores.backup.domain.BackupState;
import io.datastores.backup.domain.Engine;
import io.datastores.backup.domain.InFlight;
import io.datastores.backup.domain.Lifecycle;
import io.datastores.kit.json.JsonSerde;

/**
 * State the previous version stored (flat JSON, in src/test/resources/state, see its README) reads
 * with this version's serde, means what it meant, and survives this version's form unchanged.
 */
class StoredStateTest {

    private final BackupStateSerde serde = BackupTopology.stateSerde();

    static Stream<String> fixtures() {
        return Stream.of("v1-serving.json", "v1-backup-running.json", "v1-retrying.json",
                "v1-gap-alarm.json", "v1-deleted.json", "v1-known-scheduled.json");
    }

    private static byte[] bytes(String name) throws IOException {
        try (InputStream in = StoredStateTest.class.getResourceAsStream("/state/" + name)) {
            return in.readAllBytes();
        }
    }

    private BackupState stored(String name) throws IOException {
        return serde.deserializer().deserialize("t", bytes(name));
    }

    private static Instant at(String text) {
        return Instant.parse(text);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void eachFieldMovesOneToOne_theFlatAnswerIsTheStoredDocument(String name)
            throws IOException {
        // BackupsView is the previous state's 18 fields, in its order, from this version's
        JsonNode flat = JsonSerde.MAPPER.readTree(
                JsonSerde.MAPPER.writeValueAsString(BackupsView.from(stored(name))));
        assertThat(flat).isEqualTo(JsonSerde.MAPPER.readTree(bytes(name)));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void writtenBackInThisVersionsFormItReadsEqual(String name) throws IOException {
        BackupState old = stored(name);
        byte[] now = serde.serializer().serialize("t", old);
        assertThat(BackupStateSerde.isCbor(now)).isTrue();
        assertThat(serde.deserializer().deserialize("t", now)).isEqualTo(old);
    }

    @Test
    void servingWithFullsAndArchive() throws IOException {
        BackupState s = stored("v1-serving.json");
        assertThat(s.lifecycle()).isEqualTo(new Lifecycle.Serving(at("2026-01-05T08:17:00Z"),
                at("2026-01-08T20:27:00Z")));
        assertThat(s.engine()).isEqualTo(Engine.POSTGRESQL);
        assertThat(s.policy()).isEqualTo(new BackupPolicy(1, BackupPolicy.Mode.DAILY));
        assertThat(s.inFlight()).isEqualTo(new InFlight.Idle());
        assertThat(s.fulls().kept()).hasSize(2).allMatch(Backup::restorePoint);
        assertThat(s.fulls().knownIds()).hasSize(4);
        assertThat(s.fulls().lastSuccessAt()).isEqualTo(at("2026-01-07T20:57:00Z"));
        assertThat(s.archive().lastArchivedEnd()).isEqualTo(744_000);
        assertThat(s.archive().lastArchivedAt()).isEqualTo(at("2026-01-07T22:17:00Z"));
        assertThat(s.archive().entries()).hasSize(27);
        assertThat(s.window("inst-sim").start()).isEqualTo(s.restorePoints().get(0).completedAt());
    }

    @Test
    void aBackupRunning() throws IOException {
        BackupState s = stored("v1-backup-running.json");
        assertThat(s.lifecycle()).isInstanceOf(Lifecycle.Serving.class);
        assertThat(s.inFlight())
                .isEqualTo(new InFlight.Running("inst-sim-full-2026-01-06T20:27:00Z", 1));
        assertThat(s.fulls().kept()).hasSize(2);
        assertThat(s.archive().lastArchivedEnd()).isEqualTo(436_000);
    }

    @Test
    void aBackupRetrying() throws IOException {
        BackupState s = stored("v1-retrying.json");
        assertThat(s.inFlight()).isEqualTo(new InFlight.Retrying(
                "inst-sim-full-2026-01-05T08:17:00Z-retry-2", 3, at("2026-01-05T08:52:00Z")));
        assertThat(s.fulls().kept()).isEmpty();
        assertThat(s.fulls().lastSuccessAt()).isNull();
        assertThat(s.archive().lastArchivedEnd()).isEqualTo(4_000);
    }

    @Test
    void alarmsRaised() throws IOException {
        BackupState s = stored("v1-gap-alarm.json");
        assertThat(s.fulls().overdueRaised()).isTrue();
        assertThat(s.archive().stallRaised()).isTrue();
        assertThat(s.archive().lastArchivedEnd()).isEqualTo(354_000);
        assertThat(s.inFlight()).isInstanceOf(InFlight.Running.class);
        assertThat(((Lifecycle.Serving) s.lifecycle()).nextFullAt())
                .isEqualTo(at("2026-01-06T20:27:00Z"));
    }

    @Test
    void deletedWithinGrace() throws IOException {
        BackupState s = stored("v1-deleted.json");
        assertThat(s.lifecycle()).isEqualTo(new Lifecycle.Deleted(at("2026-01-05T08:17:00Z"),
                at("2026-01-07T10:17:00Z")));
        assertThat(s.inFlight()).isEqualTo(new InFlight.Idle());
        assertThat(s.fulls().kept()).hasSize(3);
        assertThat(s.archive().entries()).hasSize(51);
        assertThat(s.window("inst-sim").deleted()).isTrue();
    }

    @Test
    void knownOnAnOperatorsSchedule() throws IOException {
        BackupState s = stored("v1-known-scheduled.json");
        assertThat(s).isEqualTo(new BackupState(new Lifecycle.Known(), Engine.MYSQL,
                new BackupPolicy(0, BackupPolicy.Mode.LATEST_ONLY), 90, new InFlight.Idle(),
                BackupState.initial().fulls(), BackupState.initial().archive()));
    }
}
