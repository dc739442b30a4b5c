package io.datastores.backup.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;

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

/** The store's state reads back as written, whatever phase its lifecycle and backup are in. */
class BackupStateSerdeTest {

    private static final Instant T = Instant.parse("2026-03-02T06:00:00.123Z");

    private final BackupStateSerde serde = BackupTopology.stateSerde();

    private static BackupState state(Lifecycle life, InFlight inFlight) {
        Backup b = new Backup("b-1", T, T.plusSeconds(60), 10, "sha256:x", "key-1", 0, 100, true);
        Segment seg = new Segment("seg-1", 100, 200, T.plusSeconds(300), 3);
        BackupPolicy policy = new BackupPolicy(14, BackupPolicy.Mode.DAILY);
        FullBackups fulls = new FullBackups(List.of(b), List.of("b-1", "b-2"), T.plusSeconds(60),
                true);
        LogArchive log = new LogArchive(List.of(seg), T.plusSeconds(300), 200, false);
        return new BackupState(life, Engine.POSTGRESQL, policy, 90, inFlight, fulls, log);
    }

    private BackupState roundTrip(BackupState s) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", s));
    }

    @Test
    void aBackupInEachPhaseReadsBackEqual() {
        for (InFlight f : List.of(new InFlight.Idle(), new InFlight.Running("b-2", 1),
                new InFlight.Retrying("b-2", 3, T.plusSeconds(900)))) {
            BackupState s = state(new Lifecycle.Serving(T, T.plusSeconds(86_400)), f);
            assertThat(roundTrip(s)).isEqualTo(s);
        }
    }

    @Test
    void anInstanceInEachPhaseReadsBackEqual() {
        for (Lifecycle l : List.of(new Lifecycle.Untracked(), new Lifecycle.Known(),
                new Lifecycle.Serving(T, T.plusSeconds(86_400)),
                new Lifecycle.Deleted(T, T.plusSeconds(5)), new Lifecycle.Deleted(null, T))) {
            BackupState s = state(l, new InFlight.Idle());
            assertThat(roundTrip(s)).isEqualTo(s);
        }
        assertThat(roundTrip(BackupState.initial())).isEqualTo(BackupState.initial());
    }

    @Test
    void itWritesCborWithTheSelfDescribeHeaderEachPhaseTaggedWithItsName() throws IOException {
        byte[] data = serde.serializer().serialize("t",
                state(new Lifecycle.Known(), new InFlight.Running("b-2", 1)));
        assertThat(BackupStateSerde.isCbor(data)).isTrue();
        JsonNode doc = new ObjectMapper(new CBORFactory()).readTree(data);
        assertThat(doc.get("lifecycle").toString()).isEqualTo("{\"type\":\"Known\"}");
        assertThat(doc.get("inFlight").toString())
                .isEqualTo("{\"type\":\"Running\",\"backupId\":\"b-2\",\"attempt\":1}");
    }

    @Test
    void thisVersionsJsonTextAsTheStoreHeldItBeforeCborReadsOn() {
        BackupState s = state(new Lifecycle.Serving(T, T.plusSeconds(86_400)),
                new InFlight.Retrying("b-2", 3, T.plusSeconds(900)));
        byte[] json = ("{\"lifecycle\":{\"type\":\"Serving\","
                + "\"since\":\"2026-03-02T06:00:00.123Z\","
                + "\"nextFullAt\":\"2026-03-03T06:00:00.123Z\"},\"engine\":\"POSTGRESQL\","
                + "\"policy\":{\"retentionDays\":14,\"mode\":\"DAILY\"},\"scheduleMinute\":90,"
                + "\"inFlight\":{\"type\":\"Retrying\",\"backupId\":\"b-2\",\"attempt\":3,"
                + "\"retryAt\":\"2026-03-02T06:15:00.123Z\"},\"fulls\":"
                + JsonSerde.MAPPER.valueToTree(s.fulls()) + ",\"archive\":"
                + JsonSerde.MAPPER.valueToTree(s.archive()) + "}").getBytes();
        assertThat(serde.deserializer().deserialize("t", json)).isEqualTo(s);
    }
}
