package io.datastores.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.datastores.events.BackupCompleted;
import io.datastores.events.BackupRequested;
import io.datastores.events.BackupType;
import io.datastores.events.Cloud;
import io.datastores.events.DiagnosticSeverity;
import io.datastores.events.Engine;
import io.datastores.events.EventMetadata;
import io.datastores.events.NodeDiagnosticsReported;
import io.datastores.events.NodeHeartbeat;
import io.datastores.events.NodeProvisioned;
import io.datastores.events.NodeProvisioningRequested;
import io.datastores.events.NodeRole;
import io.datastores.events.ReplacementNodeRequested;
import io.datastores.events.RestoreCompleted;
import io.datastores.events.RestoreRequested;
import io.datastores.events.StandbyPromoted;
import io.datastores.events.WalSegmentArchived;

class DataPlaneTest {

    private final EventMetadata cause = new EventMetadata("e", "c", null, Instant.EPOCH, "test");

    private static NodeProvisioningRequested request(String node, NodeRole role) {
        return new NodeProvisioningRequested("i-1", node, role, "z-a", Engine.POSTGRESQL, Cloud.AWS, "us-east-1",
                "BUSINESS-4", 1L, 1);
    }

    @Test
    void nodesComeUpAfterTheDelayOnceAndThenHeartbeat() {
        DataPlane plane = new DataPlane(1, 100, 50, 0);
        plane.provision(request("i-1-n1", NodeRole.PRIMARY), cause, 0);
        plane.provision(request("i-1-n2", NodeRole.STANDBY), cause, 0);
        plane.provision(request("i-1-n1", NodeRole.PRIMARY), cause, 10);
        assertThat(plane.due(99)).isEmpty();
        List<DataPlane.Emitted> up = plane.due(100);
        assertThat(up).extracting(e -> ((NodeProvisioned) e.event()).getNodeId()).containsExactly("i-1-n1", "i-1-n2");
        assertThat(up.get(0).cause()).isEqualTo(cause);
        assertThat(((NodeProvisioned) up.get(0).event()).getIp())
                .isNotEqualTo(((NodeProvisioned) up.get(1).event()).getIp()).startsWith("10.");
        List<DataPlane.Emitted> beats = plane.heartbeats(1000);
        assertThat(beats).hasSize(2).allSatisfy(e -> assertThat(e.event()).isInstanceOf(NodeHeartbeat.class));
        NodeHeartbeat primary = (NodeHeartbeat) beats.get(0).event();
        NodeHeartbeat standby = (NodeHeartbeat) beats.get(1).event();
        assertThat(primary.getReplicationPosition()).isPositive()
                .isGreaterThanOrEqualTo(standby.getReplicationPosition());
        plane.decommission("i-1-n2");
        assertThat(plane.heartbeats(1000)).singleElement()
                .satisfies(e -> assertThat(((NodeHeartbeat) e.event()).getNodeId()).isEqualTo("i-1-n1"));
    }

    @Test
    void primariesArchiveAContiguousLogOncePerCadence() {
        DataPlane plane = new DataPlane(3, 0, 0, 0, 300_000, 0);
        plane.provision(request("i-1-n1", NodeRole.PRIMARY), cause, 0);
        plane.provision(request("i-1-n2", NodeRole.STANDBY), cause, 0);
        plane.due(0);
        assertThat(plane.archiveLogs(0)).isEmpty();
        assertThat(plane.archiveLogs(299_999)).isEmpty();
        List<DataPlane.Emitted> first = plane.archiveLogs(300_000);
        List<DataPlane.Emitted> second = plane.archiveLogs(600_000);
        assertThat(first).hasSize(1);
        WalSegmentArchived a = (WalSegmentArchived) first.get(0).event();
        WalSegmentArchived b = (WalSegmentArchived) second.get(0).event();
        assertThat(b.getStartPosition()).isEqualTo(a.getEndPosition());
        assertThat(b.getEndPosition()).isGreaterThan(b.getStartPosition());
        assertThat(b.getArchivedAt()).isEqualTo(Instant.ofEpochMilli(600_000));
    }

    @Test
    void aFailedNodeReportsSevereAndStopsHeartbeating() {
        DataPlane plane = new DataPlane(1, 0, 0, 0);
        plane.provision(request("i-1-n1", NodeRole.PRIMARY), cause, 0);
        plane.due(0);
        List<DataPlane.Emitted> failed = plane.fail("i-1-n1", "disk gone");
        assertThat(failed).singleElement().satisfies(e -> assertThat(
                ((NodeDiagnosticsReported) e.event()).getSeverity()).isEqualTo(DiagnosticSeverity.SEVERE));
        assertThat(plane.heartbeats(1000)).isEmpty();
        assertThat(plane.fail("i-1-n1", "again")).isEmpty();
    }

    @Test
    void backupsCompleteEncryptedAndTheSameSeedFailsTheSameNodes() {
        DataPlane plane = new DataPlane(7, 0, 500, 0);
        plane.backup(new BackupRequested("i-1", "b-1", BackupType.FULL, Instant.EPOCH), cause, 1000);
        BackupCompleted done = (BackupCompleted) plane.due(1500).get(0).event();
        assertThat(done.getEncryptionKeyId()).isNotBlank();
        assertThat(done.getBackupId()).isEqualTo("b-1");

        assertThat(failures(99)).isEqualTo(failures(99)).isNotEmpty();

        DataPlane failing = new DataPlane(7, 0, 500, 0, 300_000, 1.0);
        failing.backup(new BackupRequested("i-1", "b-2", BackupType.FULL, Instant.EPOCH), cause, 1000);
        assertThat(failing.due(1500).get(0).event()).isInstanceOf(io.datastores.events.BackupFailed.class);
    }

    private List<Object> failures(long seed) {
        DataPlane plane = new DataPlane(seed, 0, 0, 3600);
        for (int i = 0; i < 20; i++) {
            plane.provision(new NodeProvisioningRequested("i-" + i, "n-" + i, NodeRole.PRIMARY, "z", Engine.MYSQL,
                    Cloud.GCP, "us-central1", "HOBBYIST", 1L, 1), cause, 0);
        }
        plane.due(0);
        return plane.heartbeats(500).stream().map(DataPlane.Emitted::event)
                .filter(e -> e instanceof NodeDiagnosticsReported).map(Object::toString).map(o -> (Object) o).toList();
    }

    @Test
    void aPromotedStandbyHeartbeatsAsPrimaryAtTheNewEpochAndAReplacementJoins() {
        DataPlane plane = new DataPlane(5, 100, 50, 0);
        plane.provision(request("i-1-n1", NodeRole.PRIMARY), cause, 0);
        plane.provision(request("i-1-n2", NodeRole.STANDBY), cause, 0);
        plane.due(100);
        plane.fail("i-1-n1", "test");
        plane.promote(new StandbyPromoted("i-1", "i-1-n2", 2L, 10L, "f", "i-1-n1", 0L));
        plane.replace(new ReplacementNodeRequested("i-1", "i-1-n1", "i-1-r1", NodeRole.STANDBY, "z-a", 2L, "f",
                "AWS:us-east-1"), cause, 200);
        assertThat(plane.heartbeats(1000)).singleElement().satisfies(e -> {
            NodeHeartbeat h = (NodeHeartbeat) e.event();
            assertThat(h.getNodeId()).isEqualTo("i-1-n2");
            assertThat(h.getRole()).isEqualTo(NodeRole.PRIMARY);
            assertThat(h.getEpoch()).isEqualTo(2);
        });
        assertThat(plane.due(300)).singleElement().satisfies(e -> assertThat(((NodeProvisioned) e.event()).getHost())
                .isEqualTo("i-1-r1.nodes.us-east-1.sim"));
        assertThat(plane.heartbeats(1000)).hasSize(2);
    }

    @Test
    void aReplacementPrimaryIsSilentUntilItHasRestoredThenServesAtTheBackupsPosition() {
        DataPlane plane = new DataPlane(5, 100, 50, 0);
        plane.replace(new ReplacementNodeRequested("i-1", "i-1-n1", "i-1-r1", NodeRole.PRIMARY, "z-a", 2L, "f",
                "AWS:us-east-1"), cause, 0);
        plane.restore(new RestoreRequested("i-1", "i-1-r1", "b-1", 4_000L, "f", null, 2L), cause, 0);
        assertThat(plane.due(100)).singleElement().extracting(DataPlane.Emitted::event)
                .isInstanceOf(NodeProvisioned.class);
        assertThat(plane.heartbeats(1000)).isEmpty();
        assertThat(plane.due(150)).singleElement().satisfies(e -> {
            RestoreCompleted r = (RestoreCompleted) e.event();
            assertThat(r.getRestoredToPosition()).isEqualTo(4_000);
            assertThat(r.getRestoredAt()).isEqualTo(Instant.ofEpochMilli(150));
        });
        assertThat(plane.heartbeats(1000)).singleElement().satisfies(e -> {
            NodeHeartbeat h = (NodeHeartbeat) e.event();
            assertThat(h.getRole()).isEqualTo(NodeRole.PRIMARY);
            assertThat(h.getReplicationPosition()).isGreaterThan(4_000);
        });
    }
}
