package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.datastores.contract.TopicSpec;
import io.datastores.contract.Topics;
import io.datastores.events.Engine;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.FailoverStarted;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.testkit.ProjectLayout;
import io.datastores.testkit.SchemaRegistryExtension;

/**
 * Chaos under load, on brokers of its own (separate processes, so that they can be killed too), with
 * failover-service and provisioning-service each running twice in one application id (scale-out:
 * the two share the partitions, and a killed one's partitions move to the other).
 *
 * <p>While instances are created and nodes fail, a random service process is SIGKILLed and started
 * again, {@code chaos.kills} times (2 by default; 10 in the {@code full} profile), and brokers are
 * SIGKILLed and restarted as the subclass decides ({@link #brokerChaos}). Afterwards: every instance
 * has exactly one primary or is restoring; every failure was handled exactly once; no output event id
 * appears twice; the state and read models of the services {@link #comparedWithRebuild} names equal a
 * clean rebuild from the log.
 */
@ExtendWith(SchemaRegistryExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractChaosIT {

    private static final String ORG = "org-chaos";
    protected static final int KILLS = Integer.getInteger("chaos.kills", 2);
    private static final int INSTANCES = Integer.getInteger("chaos.instances", 12);
    private static final List<String> PLANS = List.of("HOBBYIST", "STARTUP-2", "BUSINESS-4", "PREMIUM-8");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;
    protected BrokerProcesses brokers;
    private String bootstrap;
    private ControlPlane plane;
    private Platform operator;
    private ContractSerdes serdes;
    private final List<String> instances = new ArrayList<>();
    private final List<String> failedNodes = new ArrayList<>();
    private final Random random = new Random(Long.getLong("chaos.seed", 7));

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("chaos");
        brokers = new BrokerProcesses(dir, brokerCount()).start();
        bootstrap = brokers.bootstrap();
        serdes = new ContractSerdes(SchemaRegistryExtension.url());
        plane = new ControlPlane(bootstrap, SchemaRegistryExtension.url(), dir,
                Map.of("sim.log-cadence-ms", String.valueOf(Duration.ofDays(30).toMillis()))).start();
        operator = new Platform(bootstrap, serdes);
        operator.pays(ORG, plane); // asked of the first instance, before a second one takes some partitions
        plane.launchReplica("failover-service#2");
        plane.launchReplica("provisioning-service#2");
        plane.awaitHealthy("failover-service#2");
        plane.awaitHealthy("provisioning-service#2");
    }

    @AfterAll
    void stop() {
        if (plane != null) {
            plane.close();
        }
        if (brokers != null) {
            brokers.close();
        }
    }

    /** Service processes SIGKILLed and restarted, one a round. */
    protected int serviceKills() {
        return KILLS;
    }

    /**
     * The services whose state must equal a clean rebuild from the log at the end: all four.
     * failover-service takes its time (ADR 10) and its inputs but the instances' acceptances and node
     * requests (ADR 11) where they stand among the heartbeats in its telemetry, so a rebuild takes them at
     * the place the live service did.
     */
    protected List<String> comparedWithRebuild() {
        return List.of("provisioning-service", "failover-service", "backup-service", "marketplace-service");
    }

    /** Brokers to run: one alone, or the members of a cluster. */
    protected abstract int brokerCount();

    /** Load of one round: instances created, a primary failed. */
    @FunctionalInterface
    protected interface Load {
        void run() throws Exception;
    }

    /**
     * Round {@code round} of {@code rounds}: runs {@code load}, and kills and restarts brokers before,
     * during or after it as the subclass's chaos has it.
     */
    protected abstract void brokerChaos(int round, int rounds, Load load) throws Exception;

    protected void invariantsHoldAfterChaos() throws Exception {
        List<String> services = plane.launched().stream().filter(n -> !n.equals("simulator")).toList();
        int kills = serviceKills();
        int rounds = Math.max(kills, 4);
        for (int round = 0; round < rounds; round++) {
            int n = INSTANCES / rounds + (round < INSTANCES % rounds ? 1 : 0);
            brokerChaos(round, rounds, () -> {
                createInstances(n);
                failAPrimary();
            });
            if (round < kills) {
                String victim = services.get(random.nextInt(services.size()));
                plane.kill(victim);
                // the chaos itself: a downtime of random length, during which the victim stays dead
                await().during(Duration.ofMillis(1_000 + random.nextInt(2_000))).atMost(Duration.ofSeconds(10))
                        .until(() -> !plane.isAlive(victim));
                plane.relaunch(victim);
            }
        }
        for (String service : services) {
            plane.awaitHealthy(service);
        }

        // everything asked for is done
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(2))
                .ignoreExceptions().untilAsserted(() -> {
            for (String id : instances) {
                assertThat(operator.get(plane.url("marketplace-service", "/instances/" + id)).body())
                        .as(id).contains("\"status\":\"READY\"");
            }
            for (String node : failedNodes) {
                String id = node.substring(0, node.lastIndexOf("-n"));
                JsonNode failovers = JSON.readTree(failover("/instances/" + id + "/failovers"));
                assertThat(failovers.path("history").toString()).as(node).contains(node);
                assertThat(failovers.path("active").isMissingNode() || failovers.path("active").isNull())
                        .as("no failover still running for " + id + ": " + failovers.path("active")).isTrue();
            }
        });

        // every instance has exactly one primary, or is being restored
        for (String id : instances) {
            JsonNode nodes = JSON.readTree(failover("/instances/" + id + "/nodes"));
            JsonNode failovers = JSON.readTree(failover("/instances/" + id + "/failovers"));
            boolean restoring = failovers.path("active").path("kind").asText("").equals("RESTORE");
            long primaries = 0;
            for (JsonNode n : nodes.path("nodes")) {
                if ("PRIMARY".equals(n.path("role").asText()) && !List.of("LOST", "FENCED")
                        .contains(n.path("status").asText())) {
                    primaries++;
                }
            }
            assertThat(primaries == 1 || restoring).as(id + ": " + nodes).isTrue();
        }

        // every failure was handled exactly once; no output event id appears twice
        Map<String, Integer> starts = new TreeMap<>();
        Map<String, Integer> ids = new HashMap<>();
        var failoverEvents = serdes.value(Topics.FAILOVER_EVENTS).deserializer();
        for (TopicSpec<?> topic : List.of(Topics.INSTANCE_EVENTS, Topics.FAILOVER_EVENTS, Topics.BACKUP_EVENTS,
                Topics.MARKETPLACE_EVENTS, Topics.RESTORE_POINTS)) {
            var deserializer = serdes.value(topic).deserializer();
            for (ConsumerRecord<String, byte[]> r : readAll(topic.name())) {
                if (r.value() == null) {
                    continue;
                }
                Object envelope = deserializer.deserialize(r.topic(), r.value());
                String eventId = ((org.apache.avro.generic.IndexedRecord) ((org.apache.avro.generic.IndexedRecord)
                        envelope).get(0)).get(0).toString();
                ids.merge(topic.name() + " " + eventId, 1, Integer::sum);
                if (topic == Topics.FAILOVER_EVENTS && failoverEvents.deserialize(r.topic(), r.value())
                        .getPayload() instanceof FailoverStarted s) {
                    starts.merge(s.getInstanceId() + "/" + s.getFailedNodeId(), 1, Integer::sum);
                }
            }
        }
        assertThat(ids.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                .as("output event ids seen twice").isEmpty();
        for (String node : failedNodes) {
            String id = node.substring(0, node.lastIndexOf("-n"));
            assertThat(starts.get(id + "/" + node)).as("failovers started for " + node).isEqualTo(1);
        }

        // scale back in: the replicas' partitions move to the first instances, which then hold all state
        plane.kill("failover-service#2");
        plane.kill("provisioning-service#2");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            for (String id : instances) {
                assertThat(operator.get(plane.url("failover-service", "/instances/" + id + "/nodes")).statusCode())
                        .as(id + " on the remaining failover-service").isEqualTo(200);
                assertThat(operator.get(plane.url("provisioning-service", "/instances/" + id)).statusCode())
                        .as(id + " on the remaining provisioning-service").isEqualTo(200);
            }
        });

        // the state and read models equal a clean rebuild from the log
        for (String service : comparedWithRebuild()) {
            compareWithRebuild(service);
        }
    }

    private void createInstances(int n) throws Exception {
        try (var producer = operator.requests()) {
            for (int i = 0; i < n; i++) {
                String plan = PLANS.get(instances.size() % PLANS.size());
                String id = "chaos-" + plan.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8);
                instances.add(id);
                producer.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), id,
                        Platform.request(ORG, id, plan, Engine.POSTGRESQL))).get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** Fails the first node of an instance with standbys that has not failed yet, once it is ready. */
    private void failAPrimary() throws Exception {
        for (String id : instances) {
            if ((id.contains("business") || id.contains("premium"))
                    && failedNodes.stream().noneMatch(n -> n.startsWith(id))) {
                await().atMost(Duration.ofSeconds(120)).ignoreExceptions().untilAsserted(() -> assertThat(operator.get(
                        plane.url("marketplace-service", "/instances/" + id)).body()).contains("\"status\":\"READY\""));
                String node = id + "-n1";
                assertThat(operator.post(plane.url("simulator", "/nodes/" + node + "/fail"), "").statusCode())
                        .isBetween(200, 299);
                failedNodes.add(node);
                return;
            }
        }
    }

    /** failover-service's answer, from whichever of its two instances holds the partition. */
    private String failover(String path) throws Exception {
        for (String name : List.of("failover-service", "failover-service#2")) {
            var response = operator.get(plane.url(name, path));
            if (response.statusCode() == 200) {
                return response.body();
            }
        }
        return "";
    }

    private void compareWithRebuild(String service) throws Exception {
        ControlPlane.Shadow shadow = plane.launchShadow(service);
        ProcessBuilder pb = new ProcessBuilder(ProjectLayout.root().resolve("dcp").toString(), "compare-state",
                plane.url(service, ""), shadow.url(), "--shadow-application-id", shadow.applicationId(),
                "--secret-file", plane.authSecretFile().toString(), "--wait-seconds", "120").redirectErrorStream(true);
        pb.environment().put("DCP_STACK_DIR", dir.resolve("stack").toString());
        pb.environment().put("DCP_BOOTSTRAP", bootstrap);
        pb.environment().put("DCP_REGISTRY", SchemaRegistryExtension.url());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(service + ":\n" + out).isZero();
        System.out.println(service + " against a rebuild:\n" + out.lines()
                .filter(l -> l.startsWith("same") || l.startsWith("no difference")).collect(Collectors.joining("\n")));
    }

    private List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(Map.of(
                org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 60_000;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }
}
