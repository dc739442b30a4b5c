package io.datastores.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.datastores.contract.Topics;
import io.datastores.events.BackupEventEnvelope;
import io.datastores.events.BackupRequested;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.EventMetadata;
import io.datastores.events.InstanceDeleted;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.NodeFenced;
import io.datastores.events.ReplacementNodeRequested;
import io.datastores.events.RestoreRequested;
import io.datastores.events.StandbyPromoted;
import io.datastores.events.NodeDecommissionRequested;
import io.datastores.events.NodeProvisioningRequested;
import io.datastores.events.NodeTelemetryEnvelope;
import io.datastores.kit.kafka.PlatformBootstrap;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.serde.EnvelopeSerializer;
import io.datastores.kit.serde.UndecodableRecordException;

/**
 * The data-plane simulator process: reads what the control plane asks of the clouds
 * ({@code dcp.instance-events}, {@code dcp.backup-events}, {@code dcp.failover-events}: promotions,
 * replacements, restores, fencing), answers on {@code dcp.dataplane-events}
 * and {@code dcp.node-telemetry}, of which it is the writer in development. HTTP: {@code GET /health},
 * {@code POST /nodes/{nodeId}/fail} to fail a node on command, {@code GET /nodes}.
 *
 * <p>Settings (system properties): {@code kafka.bootstrap.servers}, {@code schema.registry.url},
 * {@code http.host}, {@code http.port}, {@code sim.seed}, {@code sim.heartbeat-ms}, {@code sim.provisioning-delay-ms},
 * {@code sim.backup-ms}, {@code sim.failures-per-node-hour}, {@code sim.clock-speed} (how many times faster
 * than the wall clock the simulation's time runs: events and their timestamps carry it),
 * {@code sim.log-cadence-ms} (log archiving, in simulated time), {@code sim.backup-failure-rate}, {@code sim.engines}
 * (the engines it plays, comma-separated; all when unset: beside the local data plane it plays the engines that
 * one does not run yet); or the same as environment variables
 * ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code SIM_SEED}, ...).
 */
public final class Simulator implements AutoCloseable {

    public static final String PRODUCER = "data-plane-simulator";
    private static final Logger LOG = LoggerFactory.getLogger(Simulator.class);

    private final DataPlane plane;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, Object> producer;
    private final ContractSerdes serdes;
    private final long heartbeatMillis;
    private final double clockSpeed;
    private final long startMillis = System.currentTimeMillis();
    private final ConcurrentLinkedQueue<String> failCommands = new ConcurrentLinkedQueue<>();
    /** The engines this simulator plays ({@code sim.engines}); null: all. */
    private final Set<String> engines;
    /** Instances it plays, when it plays only some engines (the local data plane runs the others). */
    private final Set<String> served = new HashSet<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile int liveNodes;
    private volatile List<String> nodeIds = List.of();
    private HttpServer http;

    public Simulator(Properties settings) {
        String bootstrap = settings.getProperty("kafka.bootstrap.servers", "127.0.0.1:9092");
        String registry = settings.getProperty("schema.registry.url", "http://127.0.0.1:8081/apis/ccompat/v7");
        this.serdes = new ContractSerdes(registry);
        this.heartbeatMillis = Long.parseLong(settings.getProperty("sim.heartbeat-ms", "1000"));
        this.clockSpeed = Double.parseDouble(settings.getProperty("sim.clock-speed", "1"));
        String only = settings.getProperty("sim.engines", "").trim();
        this.engines = only.isEmpty() ? null : Set.copyOf(Arrays.stream(only.split(","))
                .map(e -> e.trim().toUpperCase(Locale.ROOT)).toList());
        this.plane = new DataPlane(Long.parseLong(settings.getProperty("sim.seed", "42")),
                Long.parseLong(settings.getProperty("sim.provisioning-delay-ms", "300")),
                Long.parseLong(settings.getProperty("sim.backup-ms", "1000")),
                Double.parseDouble(settings.getProperty("sim.failures-per-node-hour", "0")),
                Long.parseLong(settings.getProperty("sim.log-cadence-ms", "300000")),
                Double.parseDouble(settings.getProperty("sim.backup-failure-rate", "0")));
        PlatformBootstrap.prepare(bootstrap, serdes.registry(), Duration.ofSeconds(60));
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, PRODUCER,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new EnvelopeSerializer(serdes));
    }

    public void serveHttp(String host, int port) throws IOException {
        http = HttpServer.create(new InetSocketAddress(host, port), 0);
        http.createContext("/health", ex -> answer(ex, 200, "{\"status\":\"UP\",\"liveNodes\":" + liveNodes + "}"));
        http.createContext("/nodes", ex -> {
            String path = ex.getRequestURI().getPath();
            if ("POST".equals(ex.getRequestMethod()) && path.endsWith("/fail")) {
                String nodeId = path.substring("/nodes/".length(), path.length() - "/fail".length());
                failCommands.add(nodeId);
                answer(ex, 202, "{\"failing\":\"" + nodeId.replace("\"", "") + "\"}");
            } else if ("GET".equals(ex.getRequestMethod())) {
                answer(ex, 200, "{\"nodes\":" + nodeIds.stream().map(n -> "\"" + n + "\"").toList() + "}");
            } else {
                answer(ex, 404, "{\"error\":\"use GET /nodes or POST /nodes/{nodeId}/fail\"}");
            }
        });
        http.start();
    }

    /** The simulation's time: the wall clock, sped up {@code sim.clock-speed} times since start. */
    long simulatedNow() {
        return startMillis + (long) ((System.currentTimeMillis() - startMillis) * clockSpeed);
    }

    public void run() {
        consumer.subscribe(List.of(Topics.INSTANCE_EVENTS.name(), Topics.BACKUP_EVENTS.name(),
                Topics.FAILOVER_EVENTS.name()));
        long lastBeat = System.currentTimeMillis();
        while (running.get()) {
            try {
                lastBeat = step(lastBeat);
            } catch (RuntimeException e) {
                // The registry or the broker failed us for now; the data plane keeps running.
                LOG.error("simulator step failed; going on", e);
                pauseAfterFailure();
            }
        }
    }

    private static void pauseAfterFailure() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One round: read what the control plane asked, answer what is due; returns the last heartbeat time. */
    private long step(long lastBeat) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(clockSpeed > 1 ? 20 : 100))) {
            handle(record);
        }
        long wall = System.currentTimeMillis();
        String failing;
        while ((failing = failCommands.poll()) != null) {
            send(plane.fail(failing, "failed on command"));
        }
        send(plane.due(simulatedNow()));
        send(plane.archiveLogs(simulatedNow()));
        if (wall - lastBeat >= heartbeatMillis) {
            send(plane.heartbeats(wall - lastBeat));
            lastBeat = wall;
        }
        liveNodes = plane.liveNodes();
        nodeIds = plane.nodeIds();
        producer.flush();
        consumer.commitSync();
        return lastBeat;
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        long now = simulatedNow();
        if (engines != null && !served.contains(record.key()) && !record.topic().equals(Topics.INSTANCE_EVENTS.name())) {
            return; // an instance of an engine another data plane runs
        }
        try {
            if (record.topic().equals(Topics.INSTANCE_EVENTS.name())) {
                InstanceEventEnvelope e = serdes.value(Topics.INSTANCE_EVENTS).deserializer()
                        .deserialize(record.topic(), record.value());
                if (e.getPayload() instanceof NodeProvisioningRequested r) {
                    if (engines != null && !engines.contains(r.getEngine().name())) {
                        return; // another data plane runs this engine
                    }
                    served.add(r.getInstanceId());
                    plane.provision(r, e.getMetadata(), now);
                } else if (e.getPayload() instanceof NodeDecommissionRequested d) {
                    plane.decommission(d.getNodeId());
                } else if (e.getPayload() instanceof InstanceDeleted d) {
                    plane.delete(d.getInstanceId());
                    served.remove(d.getInstanceId());
                }
            } else if (record.topic().equals(Topics.FAILOVER_EVENTS.name())) {
                FailoverEventEnvelope e = serdes.value(Topics.FAILOVER_EVENTS).deserializer()
                        .deserialize(record.topic(), record.value());
                Object p = e.getPayload();
                if (p instanceof ReplacementNodeRequested r) {
                    plane.replace(r, e.getMetadata(), now);
                } else if (p instanceof StandbyPromoted sp) {
                    plane.promote(sp);
                } else if (p instanceof RestoreRequested r) {
                    plane.restore(r, e.getMetadata(), now);
                } else if (p instanceof NodeFenced f) {
                    plane.fence(f.getNodeId());
                }
            } else {
                BackupEventEnvelope e = serdes.value(Topics.BACKUP_EVENTS).deserializer()
                        .deserialize(record.topic(), record.value());
                if (e.getPayload() instanceof BackupRequested r) {
                    plane.backup(r, e.getMetadata(), now);
                }
            }
        } catch (UndecodableRecordException e) {
            LOG.warn("skipping {}-{}@{}: {} (the services dead-letter it)", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    private void send(List<DataPlane.Emitted> emitted) {
        for (DataPlane.Emitted e : emitted) {
            long now = simulatedNow();
            EventMetadata meta = new EventMetadata(UUID.randomUUID().toString(),
                    e.cause() == null ? UUID.randomUUID().toString() : e.cause().getCorrelationId(),
                    e.cause() == null ? null : e.cause().getEventId(), Instant.ofEpochMilli(now), PRODUCER);
            boolean telemetry = e.event() instanceof io.datastores.events.NodeHeartbeat
                    || e.event() instanceof io.datastores.events.NodeDiagnosticsReported;
            Object envelope = telemetry ? new NodeTelemetryEnvelope(meta, e.event())
                    : new DataPlaneEventEnvelope(meta, e.event());
            String topic = telemetry ? Topics.NODE_TELEMETRY.name() : Topics.DATA_PLANE_EVENTS.name();
            producer.send(new ProducerRecord<>(topic, null, now, e.instanceId(), envelope));
        }
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        running.set(false);
    }

    private void shutdown() {
        if (http != null) {
            http.stop(0);
        }
        consumer.close();
        producer.close();
    }

    /** Settings: system properties, else environment variables (kafka.bootstrap.servers from KAFKA_BOOTSTRAP_SERVERS). */
    static Properties settings(Map<String, String> env, Properties system) {
        Properties settings = new Properties();
        for (String key : List.of("kafka.bootstrap.servers", "schema.registry.url", "http.host", "http.port",
                "sim.seed", "sim.heartbeat-ms", "sim.provisioning-delay-ms", "sim.backup-ms",
                "sim.failures-per-node-hour", "sim.clock-speed", "sim.log-cadence-ms", "sim.backup-failure-rate",
                "sim.engines")) {
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
        Simulator sim = new Simulator(settings);
        sim.serveHttp(settings.getProperty("http.host", "127.0.0.1"),
                Integer.parseInt(settings.getProperty("http.port", "8095")));
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            try {
                main.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        LOG.info("data-plane simulator running");
        try {
            sim.run();
        } finally {
            sim.shutdown();
        }
    }
}
