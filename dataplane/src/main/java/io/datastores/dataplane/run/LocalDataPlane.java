package io.datastores.dataplane.run;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.datastores.contract.TopicSpec;
import io.datastores.contract.Topics;
import io.datastores.dataplane.domain.Command;
import io.datastores.dataplane.domain.Engine;
import io.datastores.dataplane.domain.Fleet;
import io.datastores.dataplane.domain.Fleet.NodeStatus;
import io.datastores.dataplane.domain.Plan;
import io.datastores.dataplane.domain.Report;
import io.datastores.dataplane.domain.Rules;
import io.datastores.dataplane.domain.Step;
import io.datastores.dataplane.engine.Postgres;
import io.datastores.dataplane.engine.Shell;
import io.datastores.dataplane.endpoint.EndpointClient;
import io.datastores.dataplane.tls.LocalCa;
import io.datastores.kit.seal.SealedBox;
import io.datastores.dataplane.mapping.ContractMapping;
import io.datastores.events.EventMetadata;
import io.datastores.kit.kafka.PlatformBootstrap;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.serde.UndecodableRecordException;

/**
 * The local data plane process: real PostgreSQL servers on this machine, run from the control
 * plane's events ({@code dcp.instance-events}: nodes asked for, plan and allow-list changes, deletions;
 * {@code dcp.failover-events}: promotions, endpoint moves, replacements, restores, restarts, fencing,
 * switchovers; {@code dcp.backup-events}: backups asked for; {@code dcp.marketplace-events}: credentials
 * to check by logging in). It writes {@code dcp.dataplane-events} and
 * {@code dcp.node-telemetry}, as the simulator does in its place. Its fleet is on disk: restarted, it
 * re-adopts the servers it runs and nothing a client sees changes.
 *
 * <p>Settings (system properties, else environment variables as {@code DATAPLANE_DIR}):
 * {@code kafka.bootstrap.servers}, {@code schema.registry.url}, {@code dataplane.dir} (its state and the
 * servers' data), {@code dataplane.http.port} (8096), {@code dataplane.heartbeat-ms} (1000),
 * {@code dataplane.max-nodes} (12), {@code dataplane.ports} (first-last, 15400-15999),
 * {@code dataplane.pg-bin} (/usr/lib/postgresql/15/bin), {@code dataplane.server-user} (postgres; used
 * when this process is root), {@code dataplane.endpoint-url} (the endpoint process's control API),
 * {@code dataplane.tls-dir} (the stack's CA), {@code dataplane.seal-dir} (marketplace-service's sealing
 * key: the public half is used here), {@code dataplane.engines} (POSTGRESQL,POSTGRESQL_VECTOR).
 */
public final class LocalDataPlane implements AutoCloseable {

    public static final String GROUP = "dcp-local-data-plane";
    private static final Logger LOG = LoggerFactory.getLogger(LocalDataPlane.class);
    private static final List<String> KEYS = List.of("kafka.bootstrap.servers", "schema.registry.url", "http.host",
            "dataplane.dir", "dataplane.http.port", "dataplane.heartbeat-ms", "dataplane.max-nodes", "dataplane.ports",
            "dataplane.pg-bin", "dataplane.server-user", "dataplane.endpoint-url", "dataplane.tls-dir",
            "dataplane.seal-dir", "dataplane.vault-dir", "dataplane.engines", "dataplane.start-from");

    private final Properties settings;
    private final ContractSerdes serdes;
    private final FleetStore store;
    private final Rules rules;
    private final Executor executor;
    private final Outbox outbox;
    private final InstanceWorkers workers;
    private final Telemetry telemetry;
    private final String bootstrap;
    private final Postgres postgres;
    private final Layout layout;
    private final KafkaConsumer<String, byte[]> consumer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean assigned = new AtomicBoolean(false);
    private AdminApi api;

    public LocalDataPlane(Properties settings) throws IOException {
        this.settings = settings;
        String bootstrap = settings.getProperty("kafka.bootstrap.servers", "127.0.0.1:9092");
        this.serdes = new ContractSerdes(settings.getProperty("schema.registry.url",
                "http://127.0.0.1:8081/apis/ccompat/v7"));
        String[] ports = settings.getProperty("dataplane.ports", "15400-15999").split("-");
        Path dir = Path.of(settings.getProperty("dataplane.dir", ".stack/dataplane")).toAbsolutePath();
        LocalCa ca = LocalCa.openOrCreate(Path.of(settings.getProperty("dataplane.tls-dir", ".stack/tls"))
                .toAbsolutePath());
        this.layout = new Layout(dir, ca.certificateFile());
        this.store = new FleetStore(layout.fleetFile(), Fleet.empty(Integer.parseInt(ports[0].trim()),
                Integer.parseInt(ports[1].trim())));
        this.rules = new Rules(Integer.parseInt(settings.getProperty("dataplane.max-nodes", "12")),
                engines(settings.getProperty("dataplane.engines", "POSTGRESQL,POSTGRESQL_VECTOR")),
                LocalDataPlane::portFree);
        Shell shell = Shell.forThisProcess(settings.getProperty("dataplane.server-user", "postgres"));
        this.postgres = new Postgres(Path.of(settings.getProperty("dataplane.pg-bin", "/usr/lib/postgresql/15/bin")),
                shell);
        java.nio.file.Files.createDirectories(dir);
        shell.checkReachable(dir);
        shell.checkReachable(layout.caFile());
        EndpointClient endpoints = new EndpointClient(URI.create(settings.getProperty("dataplane.endpoint-url",
                "http://127.0.0.1:8097")));
        SealedBox.KeyPair ownKey = SealedBox.KeyPair.openOrCreate(Path.of(settings.getProperty("dataplane.vault-dir",
                dir.resolve("vault").toString())).toAbsolutePath());
        this.executor = new Executor(store, layout, postgres, ca, endpoints,
                new Sealing(Path.of(settings.getProperty("dataplane.seal-dir", ".stack/vault")).toAbsolutePath()), ownKey);
        this.bootstrap = bootstrap;
        this.outbox = new Outbox(bootstrap, serdes, Clock.systemUTC());
        this.workers = new InstanceWorkers(this::handle);
        this.telemetry = new Telemetry(store, layout, postgres, outbox, workers,
                Duration.ofMillis(Long.parseLong(settings.getProperty("dataplane.heartbeat-ms", "1000"))));
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                // a static member: restarted, it takes its partitions back at once instead of waiting out
                // the old member's session (45 s by default) before it reads what was asked meanwhile
                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, GROUP + "-1",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 15_000,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, settings.getProperty("dataplane.start-from", "earliest"),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Re-adopts what the fleet on disk says runs: servers stopped meanwhile (a machine restart, {@code
     * ./dcp down}) start again, endpoints point where they pointed. A lost node stays silent; a crashed
     * one is reported by the heartbeats and restarted when the control plane asks.
     */
    void adopt() {
        Fleet fleet = store.get();
        for (Fleet.Instance instance : fleet.instances().values()) {
            for (Fleet.Node node : instance.nodes().values()) {
                if (node.status() == NodeStatus.RUNNING && !postgres.running(layout.dataDir(node.nodeId()))) {
                    LOG.info("{}: {} is not running; starting it again (re-adopted)", instance.instanceId(),
                            node.nodeId());
                    try {
                        postgres.start(layout.dataDir(node.nodeId()), layout.serverLog(node.nodeId()));
                    } catch (RuntimeException e) {
                        LOG.warn("{}: {} did not start: {}", instance.instanceId(), node.nodeId(), e.getMessage());
                    }
                }
            }
            try {
                executor.pointEndpoint(instance, instance.primary()
                        .filter(p -> p.status() == NodeStatus.RUNNING).map(Fleet.Node::port).orElse(null));
            } catch (RuntimeException e) {
                LOG.warn("{}: its endpoint could not be restored: {}", instance.instanceId(), e.getMessage());
            }
        }
        LOG.info("re-adopted {} servers of {} instances ({} ms after the JVM started)", fleet.nodeCount(),
                fleet.instances().size(), java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
    }

    /** Whether nothing on this machine listens on {@code port} of 127.0.0.1 (so a server can). */
    static boolean portFree(int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs one command: planned against the fleet, executed step by step, reported. */
    private void handle(Command command, EventMetadata cause) {
        Plan[] planned = new Plan[1];
        store.update(f -> {
            planned[0] = rules.decide(command, f);
            return planned[0].fleet();
        });
        Plan plan = planned[0];
        Executor.Outcomes outcomes = outcomes(cause);
        boolean done = true;
        for (Step step : plan.steps()) {
            try {
                executor.run(step, outcomes);
            } catch (RuntimeException e) {
                String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                LOG.warn("{}: {} failed at {}: {}", command.instanceId(), command.source(), step, reason);
                undo(plan);
                store.update(plan.failedFleet());
                plan.onFailure().apply(reason).forEach(outcomes::tell);
                done = false;
                break;
            }
        }
        outbox.flush();
        if (done) {
            plan.then().forEach(next -> workers.submit(next, cause));
        }
    }

    /** Best effort: what a failed plan leaves behind (a half-made server) goes. */
    private void undo(Plan plan) {
        for (Step step : plan.undo()) {
            try {
                executor.run(step, outcomes(null));
            } catch (RuntimeException e) {
                LOG.warn("undoing {} failed: {}", step, e.getMessage());
            }
        }
    }

    private Executor.Outcomes outcomes(EventMetadata cause) {
        return new Executor.Outcomes() {
            @Override
            public void tell(Report report) {
                outbox.send(report.instanceId(), ContractMapping.event(report), cause);
            }

            @Override
            public void adminIssued(String instanceId, String username, byte[] sealedPassword, String keyId) {
                outbox.send(instanceId, ContractMapping.adminIssued(instanceId, username, sealedPassword, keyId), cause);
            }

            @Override
            public void restored(String instanceId, String nodeId, long position) {
                outbox.send(instanceId, ContractMapping.restored(instanceId, nodeId, position, java.time.Instant.now()),
                        cause);
            }

            @Override
            public void switchoverPrepared(String instanceId, String switchoverId, String from, String to,
                    long position) {
                outbox.send(instanceId, ContractMapping.switchoverPrepared(instanceId, switchoverId, from, to, position),
                        cause);
                outbox.flush(); // the control plane waits for it while connections wait at the endpoint
            }

            @Override
            public void rewound(String instanceId, String nodeId, long epoch, long divergedAt, long discarded,
                    String method) {
                outbox.send(instanceId, ContractMapping.rewound(instanceId, nodeId, epoch, divergedAt, discarded, method),
                        cause);
            }
        };
    }

    /**
     * Starts the heartbeats. A restarted data plane does this first, before it talks to the registry
     * or joins its consumer group: the servers it re-adopted never stopped, and the control plane takes
     * a few seconds of silence for their loss.
     */
    void startHeartbeats() {
        Thread beats = new Thread(telemetry, "dataplane-heartbeats");
        beats.setDaemon(true);
        beats.start();
    }

    /** The topics and schemas of the contract, as every process of the stack makes sure of at its start. */
    void prepare() {
        PlatformBootstrap.prepare(bootstrap, serdes.registry(), Duration.ofSeconds(60));
    }

    /** Reads the control plane's events until closed; commits what has been done. */
    public void run() {
        consumer.subscribe(List.of(Topics.INSTANCE_EVENTS.name(), Topics.FAILOVER_EVENTS.name(),
                Topics.BACKUP_EVENTS.name(), Topics.MARKETPLACE_EVENTS.name()),
                new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(java.util.Collection<org.apache.kafka.common.TopicPartition> p) {
                    }

                    @Override
                    public void onPartitionsAssigned(java.util.Collection<org.apache.kafka.common.TopicPartition> p) {
                        if (!p.isEmpty()) {
                            assigned.set(true); // reading: /health answers 200 from now on
                        }
                    }
                });
        while (running.get()) {
            try {
                List<CompletableFuture<Void>> done = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    decode(record).ifPresent(c -> done.add(workers.submit(c.command(), c.cause())));
                }
                CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
                if (!done.isEmpty()) {
                    consumer.commitSync();
                }
            } catch (RuntimeException e) {
                LOG.error("data plane round failed; going on", e);
            }
        }
        telemetry.stop();
    }

    private record Decoded(Command command, EventMetadata cause) {
    }

    private java.util.Optional<Decoded> decode(ConsumerRecord<String, byte[]> record) {
        try {
            TopicSpec<?> topic = Topics.byName(record.topic()).orElseThrow();
            Object envelope = serdes.value(topic).deserializer().deserialize(record.topic(), record.value());
            org.apache.avro.specific.SpecificRecord r = (org.apache.avro.specific.SpecificRecord) envelope;
            EventMetadata meta = (EventMetadata) r.get(0);
            return ContractMapping.command(r.get(1)).map(c -> new Decoded(c, meta));
        } catch (UndecodableRecordException e) {
            LOG.warn("skipping {}-{}@{}: {} (the services dead-letter it)", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return java.util.Optional.empty();
        }
    }

    void serveHttp() throws IOException {
        List<String> notes = new ArrayList<>();
        notes.add("engines: " + settings.getProperty("dataplane.engines", "POSTGRESQL,POSTGRESQL_VECTOR"));
        notes.add("POSTGRESQL_VECTOR runs PostgreSQL without pgvector: it is not packaged for this machine's Debian");
        api = new AdminApi(settings.getProperty("http.host", "127.0.0.1"),
                Integer.parseInt(settings.getProperty("dataplane.http.port", "8096")), store, workers, notes,
                assigned::get);
        api.start();
    }

    @Override
    public void close() {
        running.set(false);
    }

    private void shutdown() {
        if (api != null) {
            api.stop();
        }
        workers.close();
        consumer.close();
        outbox.close();
    }

    static Properties settings(Map<String, String> env, Properties system) {
        Properties settings = new Properties();
        for (String key : KEYS) {
            String fromEnv = env.get(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
            String value = system.getProperty(key, fromEnv);
            if (value != null) {
                settings.setProperty(key, value);
            }
        }
        return settings;
    }

    public static void main(String[] args) throws IOException {
        Properties settings = settings(System.getenv(), System.getProperties());
        Path bin = Path.of(settings.getProperty("dataplane.pg-bin", "/usr/lib/postgresql/15/bin"));
        List<String> missing = Postgres.missingTools(bin);
        if (!missing.isEmpty()) {
            System.err.println("local data plane: PostgreSQL 15 is not installed (missing " + missing + " in " + bin
                    + "); install the Debian package postgresql-15, or run the simulator instead");
            System.exit(2);
        }
        LocalDataPlane plane = new LocalDataPlane(settings);
        plane.adopt();
        plane.startHeartbeats();
        plane.prepare();
        plane.serveHttp();
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            plane.close();
            try {
                main.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        LOG.info("local data plane running: {} servers of {} instances", plane.store.get().nodeCount(),
                plane.store.get().instances().size());
        try {
            plane.run();
        } finally {
            plane.shutdown();
        }
    }

    /** What this data plane can run: PostgreSQL servers (pgvector is not packaged here; see Known limits). */
    static final Set<Engine> RUNNABLE = EnumSet.of(Engine.POSTGRESQL, Engine.POSTGRESQL_VECTOR);

    /**
     * The engines a {@code dataplane.engines} setting names (blank entries skipped); a name that is no
     * engine, or an engine this data plane cannot run, is refused.
     */
    static Set<Engine> engines(String setting) {
        Set<Engine> engines = EnumSet.noneOf(Engine.class);
        for (String name : setting.split(",")) {
            if (name.isBlank()) {
                continue;
            }
            Engine engine = Engine.of(name.trim().toUpperCase(Locale.ROOT));
            if (!RUNNABLE.contains(engine)) {
                throw new IllegalArgumentException("dataplane.engines: '" + name.trim()
                        + "' is no engine this data plane runs (" + RUNNABLE + ")");
            }
            engines.add(engine);
        }
        return engines;
    }
}
