package io.datastores.dataplane.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.datastores.dataplane.domain.Engine;
import io.datastores.dataplane.domain.Fleet;
import io.datastores.dataplane.domain.Fleet.Instance;
import io.datastores.dataplane.domain.Fleet.Node;
import io.datastores.dataplane.domain.Fleet.NodeStatus;
import io.datastores.dataplane.domain.Fleet.Role;
import io.datastores.dataplane.domain.Report;
import io.datastores.dataplane.domain.ServerSettings;
import io.datastores.dataplane.domain.Step;
import io.datastores.dataplane.engine.EngineException;
import io.datastores.dataplane.engine.Lsn;
import io.datastores.dataplane.engine.Postgres;
import io.datastores.dataplane.engine.Sql;
import io.datastores.dataplane.endpoint.EndpointClient;
import io.datastores.dataplane.endpoint.EndpointSpec;
import io.datastores.dataplane.endpoint.Target;
import io.datastores.dataplane.tls.LocalCa;
import io.datastores.kit.seal.SealedBox;

/**
 * Runs planned steps against the servers and the endpoints, one at a time, and applies what each one
 * changes to the fleet once it has succeeded. What a step finds out (a position, a measured loss, a
 * sealed password) it reports through the {@link Outcomes} of the command it runs for.
 */
public final class Executor {

    private static final Logger LOG = LoggerFactory.getLogger(Executor.class);
    private static final Duration CONNECT = Duration.ofSeconds(5);
    /** How long a standby may take to catch up before a promotion, or a switchover's target to replay. */
    private static final Duration CATCH_UP = Duration.ofSeconds(10);
    /** How long a follower may take to stream from its new primary before it is rewound. */
    private static final Duration STREAMING = Duration.ofSeconds(5);

    /** What steps find out, for the control plane. */
    public interface Outcomes {
        void tell(Report report);

        void adminIssued(String instanceId, String username, byte[] sealedPassword, String keyId);

        void restored(String instanceId, String nodeId, long position);

        void switchoverPrepared(String instanceId, String switchoverId, String from, String to, long position);

        void rewound(String instanceId, String nodeId, long epoch, long divergedAt, long discardedBytes, String method);
    }

    private final FleetStore store;
    private final Layout layout;
    private final Postgres postgres;
    private final LocalCa ca;
    private final EndpointClient endpoints;
    private final Sealing sealing;
    private final SealedBox.KeyPair ownKey;

    public Executor(FleetStore store, Layout layout, Postgres postgres, LocalCa ca, EndpointClient endpoints,
            Sealing sealing, SealedBox.KeyPair ownKey) {
        this.store = store;
        this.layout = layout;
        this.postgres = postgres;
        this.ca = ca;
        this.endpoints = endpoints;
        this.sealing = sealing;
        this.ownKey = ownKey;
    }

    /** Runs one step, telling {@code outcomes} what it finds; on success its change is applied to the fleet. */
    public void run(Step step, Outcomes outcomes) {
        long started = System.nanoTime();
        execute(step, outcomes);
        store.update(step::after);
        if (!(step instanceof Step.Tell)) {
            LOG.info("{} done in {} ms", step, (System.nanoTime() - started) / 1_000_000);
        }
    }

    private void execute(Step step, Outcomes outcomes) {
        if (step instanceof Step.Tell t) {
            outcomes.tell(t.report());
        } else if (step instanceof Step.PrepareInstance p) {
            prepareInstance(instance(p.instanceId()));
        } else if (step instanceof Step.InitPrimary s) {
            initPrimary(instance(s.instanceId()), node(s.instanceId(), s.nodeId()));
        } else if (step instanceof Step.CloneStandby s) {
            cloneStandby(instance(s.instanceId()), node(s.instanceId(), s.nodeId()), node(s.instanceId(), s.fromNodeId()));
        } else if (step instanceof Step.Configure s) {
            configure(instance(s.instanceId()), node(s.instanceId(), s.nodeId()), s.restart());
        } else if (step instanceof Step.Start s) {
            postgres.start(layout.dataDir(s.nodeId()), layout.serverLog(s.nodeId()));
        } else if (step instanceof Step.Remove s) {
            remove(instance(s.instanceId()), s.nodeId());
        } else if (step instanceof Step.Kill s) {
            postgres.kill(layout.dataDir(s.nodeId()), s.machineGone());
        } else if (step instanceof Step.CatchUp s) {
            catchUp(instance(s.instanceId()), node(s.instanceId(), s.nodeId()));
        } else if (step instanceof Step.PromoteNode s) {
            promote(instance(s.instanceId()), node(s.instanceId(), s.nodeId()), s.epoch());
        } else if (step instanceof Step.Checkpoint s) {
            try (Sql sql = agent(instance(s.instanceId()), node(s.instanceId(), s.nodeId()))) {
                sql.execute("checkpoint");
            }
        } else if (step instanceof Step.Follow s) {
            follow(instance(s.instanceId()), node(s.instanceId(), s.nodeId()), node(s.instanceId(), s.primaryNodeId()),
                    s.epoch(), outcomes);
        } else if (step instanceof Step.Rejoin s) {
            rejoin(instance(s.instanceId()), node(s.instanceId(), s.nodeId()), node(s.instanceId(), s.primaryNodeId()),
                    s.epoch(), outcomes);
        } else if (step instanceof Step.PointEndpoint s) {
            Instance i = instance(s.instanceId());
            pointEndpoint(i, node(s.instanceId(), s.nodeId()).port());
        } else if (step instanceof Step.PauseEndpoint s) {
            endpoints.pause(s.instanceId(), Duration.ofSeconds(10));
        } else if (step instanceof Step.ResumeEndpoint s) {
            endpoints.resume(s.instanceId());
        } else if (step instanceof Step.UpdateEndpoint s) {
            Instance i = instance(s.instanceId());
            pointEndpoint(i, i.primary().map(Node::port).orElse(null));
        } else if (step instanceof Step.DropInstance s) {
            endpoints.delete(s.instanceId());
            deleteTree(layout.instanceDir(s.instanceId()));
        } else if (step instanceof Step.IssueAdminCredential s) {
            issueAdmin(instance(s.instanceId()), outcomes);
        } else if (step instanceof Step.StreamFrom s) {
            streamFrom(instance(s.instanceId()), node(s.instanceId(), s.nodeId()),
                    node(s.instanceId(), s.upstreamNodeId()));
        } else if (step instanceof Step.HandOver s) {
            handOver(instance(s.instanceId()), s, outcomes);
        } else if (step instanceof Step.VerifyLogin s) {
            outcomes.tell(verifyLogin(instance(s.instanceId()), s));
        } else if (step instanceof Step.RestoreEmpty s) {
            restoreEmpty(instance(s.instanceId()), node(s.instanceId(), s.nodeId()), outcomes);
        } else {
            throw new IllegalStateException("no executor for " + step); // every step has one above
        }
    }

    // --- instances and nodes ---

    private void prepareInstance(Instance instance) {
        InstanceSecrets.openOrCreate(layout, instance.instanceId(), postgres.shell());
        if (!Files.exists(layout.certFile(instance.instanceId()))) {
            Path cert = layout.instanceDir(instance.instanceId()).resolve("server.crt.new");
            Path key = layout.instanceDir(instance.instanceId()).resolve("server.key.new");
            try {
                ca.issueServer(List.of(instance.serviceHost(), "localhost"), List.of("127.0.0.1"), cert, key);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + instance.instanceId() + "'s certificate", e);
            }
            postgres.shell().privateFile(layout.keyFile(instance.instanceId()), read(key));
            postgres.shell().privateFile(layout.certFile(instance.instanceId()), read(cert));
            deleteQuietly(cert);
            deleteQuietly(key);
        }
        pointEndpoint(instance, instance.primary().map(Node::port).orElse(null));
    }

    /** The instance's endpoint, forwarding to {@code targetPort} (null: refusing until a primary runs). */
    void pointEndpoint(Instance instance, Integer targetPort) {
        endpoints.put(instance.instanceId(), new EndpointSpec(instance.endpointPort(),
                targetPort == null ? null : new Target("127.0.0.1", targetPort), instance.allowlist()));
    }

    private void freshNodeDirectory(String nodeId) {
        if (Files.exists(layout.dataDir(nodeId))) {
            postgres.stop(layout.dataDir(nodeId), "immediate"); // what an interrupted attempt left
        }
        deleteTree(layout.nodeDir(nodeId));
        postgres.shell().privateDirectory(layout.nodeDir(nodeId));
    }

    private void initPrimary(Instance instance, Node node) {
        InstanceSecrets secrets = secrets(instance);
        freshNodeDirectory(node.nodeId());
        Path pw = layout.nodeDir(node.nodeId()).resolve("agent.pw");
        postgres.shell().privateFile(pw, secrets.agentPassword() + "\n");
        try {
            postgres.initdb(layout.dataDir(node.nodeId()), pw);
        } finally {
            deleteQuietly(pw);
        }
        writeSettings(instance, node, null);
        postgres.start(layout.dataDir(node.nodeId()), layout.serverLog(node.nodeId()));
        try (Sql sql = agent(instance, node)) {
            sql.execute("create role replicator with replication login");
            sql.setPassword("replicator", secrets.replicatorPassword());
            sql.execute("create role admin with login createdb createrole");
            sql.execute("create database defaultdb owner admin");
            if (instance.engine() == Engine.POSTGRESQL_VECTOR) {
                LOG.warn("{}: the vector extension (pgvector) is not packaged for this machine's Debian;"
                        + " CREATE EXTENSION vector fails on the local data plane", instance.instanceId());
            }
        }
    }

    private void cloneStandby(Instance instance, Node node, Node from) {
        freshNodeDirectory(node.nodeId());
        postgres.baseBackup(layout.dataDir(node.nodeId()), from.port(), ServerSettings.slotName(node.nodeId()),
                layout.passFile(instance.instanceId()), layout.caFile());
        Node standby = node.as(Role.STANDBY, node.epoch());
        writeSettings(instance, standby, from);
        postgres.markStandby(layout.dataDir(node.nodeId()));
        postgres.start(layout.dataDir(node.nodeId()), layout.serverLog(node.nodeId()));
    }

    private void configure(Instance instance, Node node, boolean restart) {
        Node primary = node.role() == Role.STANDBY ? instance.primary().orElse(null) : null;
        writeSettings(instance, node, primary);
        Path data = layout.dataDir(node.nodeId());
        if (!postgres.running(data)) {
            return; // it reads them when it starts
        }
        if (restart) {
            postgres.stop(data, "fast");
            postgres.start(data, layout.serverLog(node.nodeId()));
        } else {
            postgres.reload(data);
        }
    }

    private void writeSettings(Instance instance, Node node, Node primary) {
        Instance current = store.get().instance(instance.instanceId()).orElse(instance);
        postgres.writeConfig(layout.dataDir(node.nodeId()),
                ServerSettings.config(current, node, primary, layout.paths(instance.instanceId(), node.nodeId())),
                ServerSettings.hba());
    }

    private void remove(Instance instance, String nodeId) {
        Path data = layout.dataDir(nodeId);
        if (Files.exists(data)) {
            postgres.stop(data, "immediate");
        }
        deleteTree(layout.nodeDir(nodeId));
        instance.primary().filter(p -> p.status() == NodeStatus.RUNNING && !p.nodeId().equals(nodeId)).ifPresent(p -> {
            try (Sql sql = agent(instance, p)) {
                sql.dropSlot(ServerSettings.slotName(nodeId));
            }
        });
    }

    // --- failover ---

    private void catchUp(Instance instance, Node node) {
        Optional<Node> ahead = Optional.empty();
        long mine;
        try (Sql sql = agent(instance, node)) {
            mine = sql.received();
        }
        long best = mine;
        for (Node other : instance.runningStandbys()) {
            if (other.nodeId().equals(node.nodeId())) {
                continue;
            }
            try (Sql sql = agent(instance, other)) {
                long received = sql.received();
                if (received > best) {
                    best = received;
                    ahead = Optional.of(other);
                }
            } catch (EngineException e) {
                LOG.warn("{}: cannot read {}'s position before promoting {}: {}", instance.instanceId(),
                        other.nodeId(), node.nodeId(), e.getMessage());
            }
        }
        if (ahead.isEmpty()) {
            return;
        }
        LOG.info("{}: {} has received up to {}, {} only {}: it streams from {} first", instance.instanceId(),
                ahead.get().nodeId(), Lsn.format(best), node.nodeId(), Lsn.format(mine), ahead.get().nodeId());
        streamFrom(instance, node, ahead.get());
        long target = best;
        awaitReplay(instance, node, target, CATCH_UP, "catch up with " + ahead.get().nodeId());
    }

    /** The standby streams from {@code upstream}, another standby (cascading; without a slot there). */
    private void streamFrom(Instance instance, Node node, Node upstream) {
        Node cascading = node.as(Role.STANDBY, node.epoch());
        postgres.writeConfig(layout.dataDir(node.nodeId()), ServerSettings.config(instance, cascading, upstream,
                layout.paths(instance.instanceId(), node.nodeId())).replaceAll("(?m)^primary_slot_name.*\n", ""),
                ServerSettings.hba());
        postgres.reload(layout.dataDir(node.nodeId()));
    }

    private void promote(Instance instance, Node node, long epoch) {
        // from here its heartbeats carry the new epoch: the moment it says PRIMARY, it is at the epoch it was
        // promoted at (never "primary at an old epoch", which the control plane fences)
        store.update(f -> f.withNode(node.nodeId(), n -> n.as(n.role(), epoch)));
        try (Sql sql = agent(instance, node)) {
            sql.promote();
        }
    }

    private void follow(Instance instance, Node node, Node primary, long epoch, Outcomes outcomes) {
        Path data = layout.dataDir(node.nodeId());
        try (Sql sql = agent(instance, primary)) {
            sql.ensureSlot(ServerSettings.slotName(node.nodeId()));
        }
        Node follower = node.as(Role.STANDBY, epoch);
        writeSettings(instance, follower, primary);
        if (postgres.running(data) && isStandby(instance, node)) {
            postgres.reload(data);
        } else {
            postgres.stop(data, "fast");
            postgres.markStandby(data);
            postgres.start(data, layout.serverLog(node.nodeId()));
        }
        if (!streamsFrom(instance, node, primary, STREAMING)) {
            LOG.info("{}: {} does not stream from {}: its history went further; rewinding it", instance.instanceId(),
                    node.nodeId(), primary.nodeId());
            rejoin(instance, node, primary, epoch, outcomes);
        }
    }

    /**
     * Fences a node and brings it back as a standby: measures what it wrote past the point where its
     * history and the primary's diverged, rewinds it (or copies the primary anew when a rewind fails),
     * and starts it as a standby of the primary.
     */
    private void rejoin(Instance instance, Node node, Node primary, long epoch, Outcomes outcomes) {
        Path data = layout.dataDir(node.nodeId());
        if (Files.exists(data)) {
            postgres.stop(data, "immediate");
        }
        try (Sql sql = agent(instance, primary)) {
            sql.ensureSlot(ServerSettings.slotName(node.nodeId()));
            sql.execute("checkpoint"); // pg_rewind reads the primary's timeline from its control file
        }
        // what it wrote past the point where its history left the primary's: measured before it is discarded
        Optional<Long> switchPoint = Optional.empty();
        long end = -1;
        try {
            Postgres.Checkpoint own = postgres.checkpoint(data);
            switchPoint = switchPoint(instance, primary, own.timeline());
            if (switchPoint.isPresent()) {
                end = postgres.endOfWal(data, switchPoint.get(), own.timeline());
            }
        } catch (EngineException e) {
            LOG.warn("{}: cannot measure what {} wrote past the new primary's history: {}", instance.instanceId(),
                    node.nodeId(), e.getMessage());
        }
        String method = "pg_rewind";
        long diverged;
        try {
            Optional<Long> rewound = postgres.rewind(data, primary.port(), layout.passFile(instance.instanceId()),
                    layout.caFile());
            diverged = switchPoint.or(() -> rewound).orElse(0L);
        } catch (EngineException e) {
            LOG.info("{}: rewinding {} failed ({}); copying {} anew", instance.instanceId(), node.nodeId(),
                    e.getMessage(), primary.nodeId());
            method = "pg_basebackup";
            diverged = switchPoint.orElse(0L);
            freshNodeDirectory(node.nodeId());
            postgres.baseBackup(data, primary.port(), ServerSettings.slotName(node.nodeId()) + "_rebuild",
                    layout.passFile(instance.instanceId()), layout.caFile());
            try (Sql sql = agent(instance, primary)) {
                sql.dropSlot(ServerSettings.slotName(node.nodeId()) + "_rebuild");
                sql.ensureSlot(ServerSettings.slotName(node.nodeId()));
            }
        }
        long discarded = switchPoint.isPresent() && end >= 0 ? Math.max(0, end - switchPoint.get()) : 0;
        writeSettings(instance, node.as(Role.STANDBY, epoch), primary);
        postgres.markStandby(data);
        postgres.start(data, layout.serverLog(node.nodeId()));
        outcomes.rewound(instance.instanceId(), node.nodeId(), epoch, diverged, discarded, method);
    }

    /** Where the primary's history left {@code timeline}: the point a node on that timeline diverged. */
    private Optional<Long> switchPoint(Instance instance, Node primary, int timeline) {
        try (Sql sql = agent(instance, primary)) {
            String history = sql.one("select coalesce(pg_read_file('pg_wal/' || lpad(upper(to_hex(timeline_id)), 8,"
                    + " '0') || '.history', 0, 1048576, true), '') from pg_control_checkpoint()").orElse("");
            for (String line : history.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 2 && f[0].equals(String.valueOf(timeline))) {
                    return Optional.of(Lsn.parse(f[1]));
                }
            }
            return Optional.empty();
        }
    }

    private boolean isStandby(Instance instance, Node node) {
        try (Sql sql = agent(instance, node)) {
            return sql.position().standby();
        } catch (EngineException e) {
            return false;
        }
    }

    private boolean streamsFrom(Instance instance, Node node, Node primary, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try (Sql sql = agent(instance, node)) {
                String status = sql.one("select status || ':' || coalesce(sender_port, 0) from pg_stat_wal_receiver")
                        .orElse("");
                if (status.equals("streaming:" + primary.port())) {
                    return true;
                }
            } catch (EngineException e) {
                // starting up: ask again
            }
            pause(100);
        }
        return false;
    }

    private void awaitReplay(Instance instance, Node node, long target, Duration within, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        long replayed = 0;
        while (System.nanoTime() < deadline) {
            try (Sql sql = agent(instance, node)) {
                replayed = sql.replayed();
                if (replayed >= target) {
                    return;
                }
            } catch (EngineException e) {
                // restarting: ask again
            }
            pause(20);
        }
        throw new EngineException(node.nodeId() + " did not " + what + " within " + within.toSeconds() + " s: replayed "
                + Lsn.format(replayed) + " of " + Lsn.format(target));
    }

    // --- planned switchover ---

    private void handOver(Instance instance, Step.HandOver s, Outcomes outcomes) {
        Node from = node(s.instanceId(), s.fromNodeId());
        Node to = node(s.instanceId(), s.toNodeId());
        Path data = layout.dataDir(from.nodeId());
        try {
            postgres.stop(data, "fast"); // a clean shutdown sends the standbys everything it wrote
            long last = postgres.checkpoint(data).location();
            awaitReplay(instance, to, last + 1, CATCH_UP, "replay the old primary's last checkpoint");
            outcomes.switchoverPrepared(s.instanceId(), s.switchoverId(), from.nodeId(), to.nodeId(), last);
        } catch (RuntimeException e) {
            // the switchover does not happen: the old primary serves on, waiting connections go to it
            postgres.start(data, layout.serverLog(from.nodeId()));
            endpoints.resume(s.instanceId());
            throw e;
        }
    }

    // --- restore ---

    private void restoreEmpty(Instance instance, Node node, Outcomes outcomes) {
        initPrimary(instance, node.as(Role.PRIMARY, node.epoch()));
        long position;
        try (Sql sql = agent(instance, node)) {
            position = sql.position().lsn();
        }
        outcomes.restored(instance.instanceId(), node.nodeId(), position);
    }

    // --- accounts ---

    private void issueAdmin(Instance instance, Outcomes outcomes) {
        Node primary = store.get().instance(instance.instanceId()).flatMap(Instance::primary)
                .or(instance::primary).orElseThrow(() -> new EngineException("no primary to set the admin's password on"));
        String password = InstanceSecrets.newPassword();
        try (Sql sql = agent(instance, primary)) {
            sql.setPassword("admin", password);
        }
        Sealing.Sealed sealed = sealing.seal(password.getBytes(StandardCharsets.UTF_8),
                instance.instanceId().getBytes(StandardCharsets.UTF_8));
        outcomes.adminIssued(instance.instanceId(), "admin", sealed.bytes(), sealed.keyId());
    }

    /** Logs in to the primary with the credentials; the server's answer, never the password, is reported. */
    private Report verifyLogin(Instance instance, Step.VerifyLogin s) {
        String password;
        try {
            password = new String(ownKey.open(s.sealedPassword(), s.credentialId().getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8);
        } catch (SealedBox.CannotOpen e) {
            return new Report.CredentialChecked(s.instanceId(), s.requestId(), s.credentialId(), false,
                    "the password was not sealed for this data plane's key (" + ownKey.keyId() + ")");
        }
        Node primary = instance.primary().orElseThrow(() -> new EngineException("no primary to log in to"));
        try (Sql sql = Sql.connect(primary.port(), s.username(), password, layout.caFile(), CONNECT)) {
            sql.one("select 1");
            return new Report.CredentialChecked(s.instanceId(), s.requestId(), s.credentialId(), true, "");
        } catch (EngineException e) {
            String reason = e.getMessage().replaceFirst("^cannot connect to the server at port \\d+: ", "");
            return new Report.CredentialChecked(s.instanceId(), s.requestId(), s.credentialId(), false,
                    "the server refused " + s.username() + ": " + reason);
        }
    }

    // --- helpers ---

    private Sql agent(Instance instance, Node node) {
        return Sql.connect(node.port(), Postgres.AGENT, secrets(instance).agentPassword(), layout.caFile(), CONNECT);
    }

    private InstanceSecrets secrets(Instance instance) {
        return InstanceSecrets.openOrCreate(layout, instance.instanceId(), postgres.shell());
    }

    private Instance instance(String instanceId) {
        return store.get().instance(instanceId).orElseThrow(() -> new EngineException("instance " + instanceId
                + " is not run here"));
    }

    private Node node(String instanceId, String nodeId) {
        return Optional.ofNullable(instance(instanceId).nodes().get(nodeId))
                .orElseThrow(() -> new EngineException("node " + nodeId + " of " + instanceId + " is not run here"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(Executor::deleteQuietly);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", p, e.getMessage());
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted");
        }
    }
}
