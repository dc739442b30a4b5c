package io.datastores.dataplane.run;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.datastores.dataplane.domain.Fleet;
import io.datastores.dataplane.domain.Fleet.Instance;
import io.datastores.dataplane.domain.Fleet.Node;
import io.datastores.dataplane.domain.Fleet.NodeStatus;
import io.datastores.dataplane.domain.Fleet.Role;
import io.datastores.dataplane.domain.Report;
import io.datastores.dataplane.engine.EngineException;
import io.datastores.dataplane.engine.Postgres;
import io.datastores.dataplane.engine.Sql;
import io.datastores.dataplane.mapping.ContractMapping;

/**
 * The heartbeats: each running server, asked in its own words, every beat: its role
 * ({@code pg_is_in_recovery()}) and how far its WAL reaches ({@code pg_current_wal_lsn()} on a primary,
 * the received or replayed LSN on a standby), with the epoch it serves at. A postmaster found dead is
 * a process crash: reported once as a MINOR self-diagnosis (the control plane restarts it in place). A
 * lost node says nothing.
 */
final class Telemetry implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

    private final FleetStore store;
    private final Layout layout;
    private final Postgres postgres;
    private final Outbox outbox;
    private final InstanceWorkers workers;
    private final Duration beat;
    private final Map<String, Sql> connections = new HashMap<>();
    private volatile boolean running = true;

    Telemetry(FleetStore store, Layout layout, Postgres postgres, Outbox outbox, InstanceWorkers workers,
            Duration beat) {
        this.store = store;
        this.layout = layout;
        this.postgres = postgres;
        this.outbox = outbox;
        this.workers = workers;
        this.beat = beat;
    }

    @Override
    public void run() {
        while (running) {
            long started = System.nanoTime();
            try {
                beat(store.get());
                outbox.flush();
            } catch (RuntimeException e) {
                LOG.warn("a heartbeat round failed; next round in {} ms", beat.toMillis(), e);
            }
            long left = beat.toMillis() - (System.nanoTime() - started) / 1_000_000;
            if (left > 0) {
                try {
                    Thread.sleep(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        connections.values().forEach(Sql::close);
    }

    void stop() {
        running = false;
    }

    private void beat(Fleet fleet) {
        for (String id : java.util.List.copyOf(connections.keySet())) {
            if (fleet.node(id).map(n -> n.status() != NodeStatus.RUNNING).orElse(true)) {
                close(id);
            }
        }
        for (Instance instance : fleet.instances().values()) {
            for (Node node : instance.nodes().values()) {
                if (node.status() == NodeStatus.RUNNING) {
                    beat(instance, node);
                }
            }
        }
    }

    private void beat(Instance instance, Node node) {
        try {
            Sql sql = connections.computeIfAbsent(node.nodeId(), id -> Sql.connect(node.port(), Postgres.AGENT,
                    InstanceSecrets.openOrCreate(layout, instance.instanceId(), postgres.shell()).agentPassword(),
                    layout.caFile(), Duration.ofSeconds(2)));
            Sql.Position p = sql.position();
            outbox.send(instance.instanceId(), ContractMapping.heartbeat(instance.instanceId(), node.nodeId(),
                    p.standby() ? Role.STANDBY : Role.PRIMARY, p.lsn(), node.epoch()), null);
        } catch (EngineException e) {
            close(node.nodeId());
            if (workers.busy(instance.instanceId())) {
                return; // a command is working on the instance's servers (restarting one, say): not a crash
            }
            if (!postgres.running(layout.dataDir(node.nodeId()))) {
                Fleet after = store.update(f -> f.withNode(node.nodeId(), n -> n.status() == NodeStatus.RUNNING
                        ? n.with(NodeStatus.CRASHED) : n));
                if (after.node(node.nodeId()).map(n -> n.status() == NodeStatus.CRASHED).orElse(false)) {
                    LOG.warn("{}: the postmaster of {} is not running: a crash", instance.instanceId(), node.nodeId());
                    outbox.send(instance.instanceId(), ContractMapping.event(new Report.Diagnosis(instance.instanceId(),
                            node.nodeId(), Report.Severity.MINOR, "the postmaster is not running (a process crash);"
                                    + " it restarts in place when asked")), null);
                }
            } else {
                LOG.info("{}: {} runs but does not answer: {}", instance.instanceId(), node.nodeId(), e.getMessage());
            }
        }
    }

    private void close(String nodeId) {
        Sql sql = connections.remove(nodeId);
        if (sql != null) {
            sql.close();
        }
    }
}
