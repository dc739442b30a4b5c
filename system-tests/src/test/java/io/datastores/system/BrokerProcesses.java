package io.datastores.system;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;

import io.datastores.stack.KafkaBroker;
import io.datastores.testkit.JavaProcess;

/**
 * Kafka brokers as processes of their own, so that a test can SIGKILL one: alone, or the members
 * 1..n of one KRaft cluster (every member a controller voter and a broker; replication factor 3 and
 * {@code min.insync.replicas=2} from three members on, as {@link KafkaBroker} configures them).
 */
final class BrokerProcesses implements AutoCloseable {

    private final Path dir;
    private final int[] ports;
    private final int[] controllerPorts;
    private final JavaProcess[] processes;

    BrokerProcesses(Path dir, int members) {
        this.dir = dir;
        this.ports = IntStream.range(0, members).map(i -> KafkaBroker.freePort()).toArray();
        this.controllerPorts = IntStream.range(0, members).map(i -> KafkaBroker.freePort()).toArray();
        this.processes = new JavaProcess[members];
    }

    /**
     * Starts every member and waits until each accepts connections (a cluster needs its quorum first);
     * if one does not, stops them all: the caller never holds them to close.
     */
    BrokerProcesses start() {
        try {
            for (int id = 1; id <= ports.length; id++) {
                launch(id);
            }
            for (int id = 1; id <= ports.length; id++) {
                awaitListening(id);
            }
            return this;
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    int members() {
        return ports.length;
    }

    String bootstrap() {
        return IntStream.of(ports).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** SIGKILLs member {@code id} and waits until it is gone. */
    void kill(int id) {
        JavaProcess p = processes[id - 1];
        p.kill();
        await().atMost(Duration.ofSeconds(10)).until(() -> !p.isAlive());
    }

    boolean isAlive(int id) {
        return processes[id - 1] != null && processes[id - 1].isAlive();
    }

    /** Starts member {@code id} again on its data and ports, and waits until it listens. */
    void restart(int id) {
        launch(id);
        awaitListening(id);
    }

    private void launch(int id) {
        String[] args = ports.length == 1
                ? new String[] {member(id).toString(), String.valueOf(ports[0]), String.valueOf(controllerPorts[0])}
                : new String[] {member(id).toString(), String.valueOf(ports[id - 1]),
                        String.valueOf(controllerPorts[id - 1]), String.valueOf(id),
                        KafkaBroker.voters(controllerPorts)};
        processes[id - 1] = JavaProcess.module("stack", "io.datastores.stack.KafkaBroker", Map.of(),
                dir.resolve("logs").resolve("broker-" + id)).withHeap(ports.length == 1 ? "768m" : "512m")
                .withArgs(args).start();
    }

    private Path member(int id) {
        return ports.length == 1 ? dir.resolve("broker") : dir.resolve("broker-" + id);
    }

    private void awaitListening(int id) {
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            try (Socket s = new Socket("127.0.0.1", ports[id - 1])) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    /** Every topic, internal ones too, as the cluster describes it. */
    private Collection<TopicDescription> topics() throws Exception {
        try (Admin admin = admin()) {
            var names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS);
            return admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values();
        }
    }

    /** Partitions led by each member, over every topic (internal ones too). */
    Map<Integer, Integer> leadersByMember() throws Exception {
        Map<Integer, Integer> led = new HashMap<>();
        for (TopicDescription d : topics()) {
            d.partitions().stream().filter(p -> p.leader() != null && !p.leader().isEmpty())
                    .forEach(p -> led.merge(p.leader().id(), 1, Integer::sum));
        }
        return led;
    }

    /** The member leading the most partitions. */
    int leadingTheMost() throws Exception {
        return leadersByMember().entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /**
     * The member coordinating the most of the services' transactions (every transactional id the
     * cluster knows), with how many it coordinates.
     */
    Map.Entry<Integer, Integer> coordinatingTheMostTransactions() throws Exception {
        try (Admin admin = admin()) {
            List<String> ids = new ArrayList<>();
            for (TransactionListing t : admin.listTransactions().all().get(30, TimeUnit.SECONDS)) {
                ids.add(t.transactionalId());
            }
            Map<Integer, Integer> coordinated = new HashMap<>();
            for (TransactionDescription d : admin.describeTransactions(ids).all().get(30, TimeUnit.SECONDS).values()) {
                coordinated.merge(d.coordinatorId(), 1, Integer::sum);
            }
            return coordinated.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        }
    }

    /** Partitions whose in-sync replicas are fewer than their replicas. */
    List<String> underReplicated() throws Exception {
        List<String> under = new ArrayList<>();
        for (TopicDescription d : topics()) {
            d.partitions().stream().filter(p -> p.isr().size() < p.replicas().size())
                    .forEach(p -> under.add(d.name() + "-" + p.partition()));
        }
        return under;
    }

    /** The fewest replicas of any partition, by topic. */
    Map<String, Integer> replicasByTopic() throws Exception {
        Map<String, Integer> replicas = new HashMap<>();
        for (TopicDescription d : topics()) {
            replicas.put(d.name(), d.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0));
        }
        return replicas;
    }

    @Override
    public void close() {
        for (JavaProcess p : processes) {
            if (p != null) {
                p.close();
            }
        }
    }
}
