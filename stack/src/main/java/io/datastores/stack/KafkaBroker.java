package io.datastores.stack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * One real Kafka broker in KRaft mode (combined broker and controller) on 127.0.0.1, its storage
 * formatted by Kafka's own storage tool. Alone, it is configured for a single node (every log with
 * replication factor 1); as a member of a cluster of three or more (static controller quorum, every
 * member a voter), for production's shape: replication factor 3, {@code min.insync.replicas=2}, the
 * offsets and transaction logs likewise, so that one member can be lost without losing a write or
 * stopping one. Used by {@code ./dcp up} as its own process (see {@link #main}) and by the tests
 * inside their JVM or as processes.
 */
public final class KafkaBroker implements AutoCloseable {

    private final Path dataDir;
    private final int nodeId;
    private final int port;
    private final int controllerPort;
    /** The controller quorum: {@code id@127.0.0.1:port} of every member, comma-separated. */
    private final String voters;
    private final int members;
    private KafkaRaftServer server;

    /** A broker alone. */
    public KafkaBroker(Path dataDir, int port, int controllerPort) {
        this(dataDir, 1, port, controllerPort, "1@127.0.0.1:" + controllerPort);
    }

    /** Member {@code nodeId} of the cluster whose controller quorum is {@code voters}. */
    public KafkaBroker(Path dataDir, int nodeId, int port, int controllerPort, String voters) {
        this.dataDir = dataDir;
        this.nodeId = nodeId;
        this.port = port;
        this.controllerPort = controllerPort;
        this.voters = voters;
        this.members = voters.split(",").length;
    }

    /** The quorum of {@code controllerPorts.length} members numbered from 1. */
    public static String voters(int... controllerPorts) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < controllerPorts.length; i++) {
            out.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(controllerPorts[i]);
        }
        return out.toString();
    }

    /** Replicas of every partition: one alone, three in a cluster of three or more. */
    public int replicationFactor() {
        return Math.min(members, 3);
    }

    /** In-sync replicas a write needs: one alone, two in a cluster. */
    public int minInsyncReplicas() {
        return members >= 3 ? 2 : 1;
    }

    /** A broker on free ports under {@code dataDir}. */
    public static KafkaBroker onFreePorts(Path dataDir) {
        return new KafkaBroker(dataDir, freePort(), freePort());
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Properties properties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(nodeId));
        p.put("controller.quorum.voters", voters);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.resolve("logs").toString());
        p.put("num.partitions", "1");
        String replicas = String.valueOf(replicationFactor());
        String insync = String.valueOf(minInsyncReplicas());
        p.put("default.replication.factor", replicas);
        p.put("min.insync.replicas", insync);
        p.put("offsets.topic.replication.factor", replicas);
        p.put("offsets.topic.num.partitions", "6");
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", insync);
        // a member that was away catches up and takes its partitions back as leader
        p.put("auto.leader.rebalance.enable", "true");
        p.put("leader.imbalance.check.interval.seconds", "10");
        p.put("transaction.state.log.num.partitions", "6");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("log.flush.interval.messages", "10000");
        // Kafka 4 refuses records stamped more than an hour ahead by default; the fast-clock simulator
        // (backup windows, fleet benchmarks) stamps its events days ahead by design
        p.put("log.message.timestamp.after.max.ms", String.valueOf(Long.MAX_VALUE));
        return p;
    }

    /** Formats storage when it is new (idempotent) and starts the broker. */
    public KafkaBroker start() {
        try {
            Files.createDirectories(dataDir);
            Path config = dataDir.resolve("server.properties");
            try (var out = Files.newBufferedWriter(config)) {
                properties().store(out, "written by io.datastores.stack.KafkaBroker");
            }
            Path clusterIdFile = dataDir.resolve("cluster.id");
            if (!Files.exists(clusterIdFile)) {
                Files.writeString(clusterIdFile, members == 1 ? Uuid.randomUuid().toString() : clusterId(voters));
            }
            String clusterId = Files.readString(clusterIdFile).trim();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            int rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString(),
                    "--ignore-formatted"}, new PrintStream(log, true, StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new IllegalStateException("kafka storage format failed: " + log);
            }
            server = new KafkaRaftServer(KafkaConfig.fromProps(properties(), false), Time.SYSTEM);
            server.startup();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /**
     * The id every member of the quorum {@code voters} formats its storage with: derived from the
     * quorum, so that members started apart agree without a file between them.
     */
    static String clusterId(String voters) {
        UUID uuid = UUID.nameUUIDFromBytes(("dcp-kafka-cluster " + voters).getBytes(StandardCharsets.UTF_8));
        return new Uuid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits()).toString();
    }

    public int nodeId() {
        return nodeId;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code KafkaBroker DATA_DIR PORT CONTROLLER_PORT [NODE_ID VOTERS]}: runs until killed; alone,
     * or as member {@code NODE_ID} of the quorum {@code VOTERS} ({@code 1@127.0.0.1:9093,2@...}).
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3 && args.length != 5) {
            System.err.println("usage: KafkaBroker DATA_DIR PORT CONTROLLER_PORT [NODE_ID VOTERS]");
            System.exit(2);
        }
        Path data = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        int controller = Integer.parseInt(args[2]);
        KafkaBroker broker = (args.length == 3 ? new KafkaBroker(data, port, controller)
                : new KafkaBroker(data, Integer.parseInt(args[3]), port, controller, args[4])).start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-shutdown"));
        System.out.println("kafka broker up at " + broker.bootstrapServers());
        Thread.currentThread().join();
    }
}
