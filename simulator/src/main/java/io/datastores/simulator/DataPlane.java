package io.datastores.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.UUID;

import io.datastores.events.BackupCompleted;
import io.datastores.events.BackupFailed;
import io.datastores.events.BackupRequested;
import io.datastores.events.BackupType;
import io.datastores.events.DiagnosticSeverity;
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

/**
 * The simulated clouds, as plain state and time: nodes that come up after a delay, heartbeat with
 * a replication position, answer backup requests, and fail on a seeded schedule or on command.
 * No Kafka here: {@link Simulator} feeds it requests and sends what it emits. Deterministic for a
 * seed and a sequence of calls.
 */
public final class DataPlane {

    /** Something the data plane says, with the event that caused it (null for its own initiative). */
    public record Emitted(String instanceId, Object event, EventMetadata cause) {
    }

    /** A simulated node. */
    static final class SimNode {
        final String instanceId;
        final String nodeId;
        final String zone;
        NodeRole role;
        long epoch;
        long position;
        boolean failed;
        /** A replacement primary restoring from backup: silent until the restore is done. */
        boolean restoring;

        SimNode(String instanceId, String nodeId, String zone, NodeRole role, long epoch) {
            this.instanceId = instanceId;
            this.nodeId = nodeId;
            this.zone = zone;
            this.role = role;
            this.epoch = epoch;
        }
    }

    private record Pending(long dueMillis, long seq, Emitted emitted, SimNode startsNode) {
    }

    private final Random random;
    private final long logCadenceMillis;
    private final double backupFailureRate;
    private final Map<String, long[]> archives = new LinkedHashMap<>();
    private final long provisioningDelayMillis;
    private final long backupDurationMillis;
    private final double failuresPerNodeHour;
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    /** The same nodes by instance: a backup or a promotion looks at its instance's nodes, not the fleet's. */
    private final Map<String, List<SimNode>> byInstance = new java.util.HashMap<>();
    /** Restores under way: node id to the position it restores to. */
    private final Map<String, Long> restores = new LinkedHashMap<>();
    private final PriorityQueue<Pending> pending = new PriorityQueue<>(
            (a, b) -> a.dueMillis != b.dueMillis ? Long.compare(a.dueMillis, b.dueMillis) : Long.compare(a.seq, b.seq));
    private long seq;

    public DataPlane(long seed, long provisioningDelayMillis, long backupDurationMillis, double failuresPerNodeHour) {
        this(seed, provisioningDelayMillis, backupDurationMillis, failuresPerNodeHour, 5 * 60_000L, 0);
    }

    /** Durations are in the simulation's time, which may run faster than the wall clock. */
    public DataPlane(long seed, long provisioningDelayMillis, long backupDurationMillis, double failuresPerNodeHour,
            long logCadenceMillis, double backupFailureRate) {
        this.logCadenceMillis = logCadenceMillis;
        this.backupFailureRate = backupFailureRate;
        this.random = new Random(seed);
        this.provisioningDelayMillis = provisioningDelayMillis;
        this.backupDurationMillis = backupDurationMillis;
        this.failuresPerNodeHour = failuresPerNodeHour;
    }

    /** A node is asked for: it reports itself provisioned after the provisioning delay. */
    public void provision(NodeProvisioningRequested r, EventMetadata cause, long nowMillis) {
        if (nodes.containsKey(r.getNodeId())) {
            return; // a repeated request: the node exists already
        }
        SimNode node = new SimNode(r.getInstanceId(), r.getNodeId(), r.getZone(), r.getRole(), r.getEpoch());
        NodeProvisioned provisioned = new NodeProvisioned(r.getInstanceId(), r.getNodeId(),
                r.getNodeId() + ".nodes." + r.getRegion() + ".sim", ipOf(r.getNodeId()), r.getZone(), null, null);
        schedule(nowMillis + provisioningDelayMillis, new Emitted(r.getInstanceId(), provisioned, cause), node);
    }

    /**
     * failover asks for a replacement node: it comes up like any other (a replacement primary
     * heartbeats only once it has restored).
     */
    public void replace(ReplacementNodeRequested r, EventMetadata cause, long nowMillis) {
        if (nodes.containsKey(r.getNodeId())) {
            return;
        }
        String region = r.getRegion().contains(":") ? r.getRegion().substring(r.getRegion().indexOf(':') + 1)
                : r.getRegion();
        SimNode node = new SimNode(r.getInstanceId(), r.getNodeId(), r.getZone(), r.getRole(), r.getEpoch());
        node.restoring = r.getRole() == NodeRole.PRIMARY;
        node.position = nodesOf(r.getInstanceId()).stream()
                .filter(n -> !n.failed && n.role == NodeRole.PRIMARY)
                .mapToLong(n -> n.position).max().orElse(0);
        NodeProvisioned provisioned = new NodeProvisioned(r.getInstanceId(), r.getNodeId(),
                r.getNodeId() + ".nodes." + region + ".sim", ipOf(r.getNodeId()), r.getZone(), null, null);
        schedule(nowMillis + provisioningDelayMillis, new Emitted(r.getInstanceId(), provisioned, cause), node);
    }

    /** A standby is promoted: it serves as primary at the new epoch; the instance's other live nodes follow it. */
    public void promote(StandbyPromoted p) {
        for (SimNode n : nodesOf(p.getInstanceId())) {
            if (n.failed) {
                continue;
            }
            if (n.nodeId.equals(p.getNodeId())) {
                n.role = NodeRole.PRIMARY;
            } else if (n.role == NodeRole.PRIMARY) {
                continue; // a stale primary keeps its old epoch until it is fenced
            }
            n.epoch = p.getEpoch();
        }
    }

    /** A node is fenced: demoted and rebuilt; in the simulation it is removed (its replacement takes over). */
    public void fence(String nodeId) {
        remove(nodeId);
    }

    /**
     * A replacement restores from backup: once it is up and the restore has run (one backup
     * duration), it serves as primary at the backup's position.
     */
    public void restore(RestoreRequested r, EventMetadata cause, long nowMillis) {
        long position = r.getTargetPosition() == null ? 0 : r.getTargetPosition();
        long done = nowMillis + provisioningDelayMillis + backupDurationMillis;
        RestoreCompleted completed = new RestoreCompleted(r.getInstanceId(), r.getNodeId(),
                r.getBackupId() == null ? "" : r.getBackupId(), position, Instant.ofEpochMilli(done));
        schedule(done, new Emitted(r.getInstanceId(), completed, cause), null);
        restores.put(r.getNodeId(), position);
    }

    /** A backup is asked for: it completes after the backup duration, encrypted, or fails at the seeded rate. */
    public void backup(BackupRequested r, EventMetadata cause, long nowMillis) {
        if (backupFailureRate > 0 && random.nextDouble() < backupFailureRate) {
            schedule(nowMillis + backupDurationMillis, new Emitted(r.getInstanceId(),
                    new BackupFailed(r.getInstanceId(), r.getBackupId(), "seeded failure: storage unavailable"), cause),
                    null);
            return;
        }
        long position = nodesOf(r.getInstanceId()).stream().mapToLong(n -> n.position).max().orElse(0);
        Instant start = Instant.ofEpochMilli(nowMillis);
        BackupCompleted done = BackupCompleted.newBuilder()
                .setInstanceId(r.getInstanceId()).setBackupId(r.getBackupId()).setType(r.getType())
                .setStartedAt(start).setCompletedAt(start.plusMillis(backupDurationMillis))
                .setSizeBytes(r.getType() == BackupType.FULL ? 1_000_000 + position * 10 : 16_777_216)
                .setChecksum(checksum(r.getBackupId()))
                .setEncryptionKeyId("sim-key-" + r.getInstanceId().hashCode() % 8)
                .setStartPosition(Math.max(0, position - 1_000)).setEndPosition(position)
                .build();
        schedule(nowMillis + backupDurationMillis, new Emitted(r.getInstanceId(), done, cause), null);
    }

    /**
     * Each live primary archives a log segment once per log cadence: the writes since its last
     * segment, from where that one ended.
     */
    public List<Emitted> archiveLogs(long nowMillis) {
        List<Emitted> out = new ArrayList<>();
        for (SimNode n : nodes.values()) {
            if (n.failed || n.restoring || n.role != NodeRole.PRIMARY) {
                continue;
            }
            long[] a = archives.computeIfAbsent(n.instanceId, id -> new long[] {nowMillis, n.position, 0});
            if (nowMillis - a[0] < logCadenceMillis) {
                continue;
            }
            n.position += 1 + random.nextInt(65_536);
            a[2]++;
            out.add(new Emitted(n.instanceId, new WalSegmentArchived(n.instanceId,
                    String.format("%s-%012d", n.instanceId, a[2]), a[1], n.position, Instant.ofEpochMilli(nowMillis)),
                    null));
            a[0] = nowMillis;
            a[1] = n.position;
        }
        return out;
    }

    /** A standby is removed (its instance's plan has fewer nodes). */
    public void decommission(String nodeId) {
        remove(nodeId);
    }

    /** All instance nodes go away. */
    public void delete(String instanceId) {
        for (SimNode n : List.copyOf(nodesOf(instanceId))) {
            remove(n.nodeId);
        }
        archives.remove(instanceId);
    }

    private List<SimNode> nodesOf(String instanceId) {
        return byInstance.getOrDefault(instanceId, List.of());
    }

    private void add(SimNode node) {
        SimNode before = nodes.put(node.nodeId, node);
        List<SimNode> siblings = byInstance.computeIfAbsent(node.instanceId, id -> new ArrayList<>(3));
        if (before != null) {
            siblings.remove(before);
        }
        siblings.add(node);
    }

    private void remove(String nodeId) {
        SimNode node = nodes.remove(nodeId);
        if (node != null) {
            List<SimNode> siblings = byInstance.get(node.instanceId);
            siblings.remove(node);
            if (siblings.isEmpty()) {
                byInstance.remove(node.instanceId);
            }
        }
    }

    /** Fails a node now (on command): it reports a severe diagnosis and stops heartbeating. */
    public List<Emitted> fail(String nodeId, String reason) {
        SimNode node = nodes.get(nodeId);
        if (node == null || node.failed) {
            return List.of();
        }
        node.failed = true;
        return List.of(new Emitted(node.instanceId,
                new NodeDiagnosticsReported(node.instanceId, node.nodeId, DiagnosticSeverity.SEVERE, reason), null));
    }

    /** What is due by {@code nowMillis}: provisioned nodes, finished backups, seeded failures. */
    public List<Emitted> due(long nowMillis) {
        List<Emitted> out = new ArrayList<>();
        while (!pending.isEmpty() && pending.peek().dueMillis <= nowMillis) {
            Pending p = pending.poll();
            if (p.startsNode != null) {
                add(p.startsNode);
            }
            if (p.emitted.event() instanceof RestoreCompleted r) {
                SimNode n = nodes.get(r.getNodeId());
                if (n != null) {
                    n.restoring = false;
                    n.position = restores.getOrDefault(r.getNodeId(), 0L);
                }
                restores.remove(r.getNodeId());
            }
            out.add(p.emitted);
        }
        return out;
    }

    /**
     * One heartbeat per live node. Primaries advance their position; standbys follow a little
     * behind. Over {@code elapsedMillis}, each node fails with the seeded rate.
     */
    public List<Emitted> heartbeats(long elapsedMillis) {
        List<Emitted> out = new ArrayList<>();
        double failureChance = failuresPerNodeHour * elapsedMillis / 3_600_000.0;
        Map<String, Long> primaryPosition = new LinkedHashMap<>();
        for (SimNode n : nodes.values()) {
            if (!n.failed && !n.restoring && n.role == NodeRole.PRIMARY) {
                n.position += 1 + random.nextInt(4096);
                primaryPosition.put(n.instanceId, n.position);
            }
        }
        for (SimNode n : nodes.values()) {
            if (n.failed || n.restoring) {
                continue;
            }
            if (failureChance > 0 && random.nextDouble() < failureChance) {
                out.addAll(fail(n.nodeId, "seeded failure: node lost"));
                continue;
            }
            if (n.role == NodeRole.STANDBY) {
                long target = primaryPosition.getOrDefault(n.instanceId, n.position);
                n.position = Math.max(n.position, target - random.nextInt(512));
            }
            out.add(new Emitted(n.instanceId,
                    new NodeHeartbeat(n.instanceId, n.nodeId, n.role, n.position, n.epoch), null));
        }
        return out;
    }

    public int liveNodes() {
        return (int) nodes.values().stream().filter(n -> !n.failed).count();
    }

    public List<String> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    private void schedule(long due, Emitted emitted, SimNode startsNode) {
        pending.add(new Pending(due, seq++, emitted, startsNode));
    }

    /** A stable private address per node. */
    static String ipOf(String nodeId) {
        byte[] h = UUID.nameUUIDFromBytes(nodeId.getBytes(StandardCharsets.UTF_8)).toString()
                .getBytes(StandardCharsets.UTF_8);
        UUID u = UUID.nameUUIDFromBytes(h);
        long bits = u.getMostSignificantBits();
        return "10." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (1 + (bits & 0xff) % 254);
    }

    private static String checksum(String backupId) {
        return "sha256:" + UUID.nameUUIDFromBytes(backupId.getBytes(StandardCharsets.UTF_8)).toString()
                .replace("-", "");
    }
}
