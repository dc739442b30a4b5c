package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import io.datastores.contract.Topics;
import io.datastores.events.Engine;
import io.datastores.events.EventMetadata;
import io.datastores.events.InstanceRequestEnvelope;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.testkit.KafkaBrokerExtension;
import io.datastores.testkit.ProjectLayout;
import io.datastores.testkit.SchemaRegistryExtension;

/**
 * Operating the log with {@code ./dcp}: dead letters listed, fixed, redriven and processed once; the
 * whole log of a busy run replayed twice into every service, changing nothing.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatingIT {

    private static final String ORG = "org-ops";
    private ControlPlane plane;
    private Platform operator;
    private ContractSerdes serdes;
    private Path dir;
    private final List<String> instances = new ArrayList<>();

    record Run(int exit, String out) {
    }

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("operating");
        serdes = new ContractSerdes(SchemaRegistryExtension.url());
        // no log archiving during the test: every output event comes from an input the test sent
        plane = new ControlPlane(KafkaBrokerExtension.bootstrapServers(), SchemaRegistryExtension.url(), dir,
                Map.of("sim.log-cadence-ms", String.valueOf(Duration.ofDays(30).toMillis()))).start();
        operator = new Platform(KafkaBrokerExtension.bootstrapServers(), serdes);
        operator.pays(ORG, plane);
    }

    @AfterAll
    void stop() {
        if (plane != null) {
            plane.close();
        }
    }

    private Run dcp(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProjectLayout.root().resolve("dcp").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DCP_STACK_DIR", dir.resolve("stack").toString());
        pb.environment().put("DCP_BOOTSTRAP", KafkaBrokerExtension.bootstrapServers());
        pb.environment().put("DCP_REGISTRY", SchemaRegistryExtension.url());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    private long accepted(String instanceId) throws Exception {
        Run tail = dcp("tail", Topics.INSTANCE_EVENTS.name(), "--instance", instanceId, "--type", "InstanceAccepted");
        return tail.out().lines().filter(l -> l.contains("\"type\":\"InstanceAccepted\"")).count();
    }

    @Test
    @Order(1)
    @DisplayName("dead letters: listed with their cause, fixed, redriven, processed exactly once, never looping")
    void deadLettersAreFixedAndRedrivenOnce() throws Exception {
        String fixable = "dlq-fix-" + UUID.randomUUID();
        String garbageKey = "dlq-garbage-" + UUID.randomUUID();
        InstanceRequestEnvelope request = Platform.request(ORG, fixable, "HOBBYIST", Engine.POSTGRESQL);
        request.setMetadata(new EventMetadata(UUID.randomUUID().toString(), "", null, Instant.now(), "it"));
        try (var producer = operator.requests();
                var raw = new KafkaProducer<String, byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KafkaBrokerExtension.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), fixable, request)).get(30,
                    TimeUnit.SECONDS);
            raw.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), garbageKey,
                    "not avro".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        }
        String dlq = Topics.INSTANCE_REQUESTS.deadLetterTopic();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(dcp("dlq", "list", dlq).out())
                .contains("key=" + fixable).contains("key=" + garbageKey));
        Run list = dcp("dlq", "list", dlq);
        String invalidLine = list.out().lines().filter(l -> l.contains("key=" + fixable)).findFirst().orElseThrow();
        assertThat(invalidLine).contains("cause=INVALID_EVENT").contains("correlationId is blank")
                .contains("service=provisioning-service");
        assertThat(list.out()).contains("cause=NOT_WIRE_FORMAT");
        String where = invalidLine.substring(invalidLine.indexOf(dlq) + dlq.length() + 1, invalidLine.indexOf(' '));
        assertThat(dcp("dlq", "show", dlq, where).out()).contains("header    dlq.cause = INVALID_EVENT");

        // fix: the same request with a correlation id
        Path fixed = dir.resolve("fixed.json");
        Files.writeString(fixed, "{\"type\":\"InstanceRequested\",\"key\":\"" + fixable + "\",\"event\":{"
                + "\"requestId\":\"req-" + fixable + "\",\"organizationId\":\"" + ORG + "\",\"instanceId\":\""
                + fixable + "\",\"displayName\":\"fixed " + fixable.substring(8, 16) + "\",\"engine\":\"POSTGRESQL\","
                + "\"cloud\":\"AWS\",\"region\":\"us-east-1\",\"plan\":\"HOBBYIST\"}}");
        Run one = dcp("dlq", "redrive", dlq, "--record", where, "--fixed", fixed.toString());
        assertThat(one.exit()).as(one.out()).isZero();
        assertThat(one.out()).contains("redrove 1 record(s)");
        await().atMost(Duration.ofSeconds(60)).until(() -> accepted(fixable) == 1);

        // everything else, unchanged: the garbage fails again, returns to the DLQ marked, and is not redriven again
        Run all = dcp("dlq", "redrive", dlq);
        assertThat(all.out()).contains("key=" + garbageKey).doesNotContain("key=" + fixable + " (fixed)");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(dcp("dlq", "list", dlq).out().lines()
                .filter(l -> l.contains("key=" + garbageKey) && l.contains("failed again after a redrive")))
                .hasSize(1));
        Run again = dcp("dlq", "redrive", dlq);
        assertThat(again.out()).doesNotContain("send ").contains("redrove 0 record(s)");
        awaitServicesCaughtUp();
        assertThat(accepted(fixable)).as("processed exactly once").isEqualTo(1);
        assertThat(dcp("dlq", "list", dlq).out().lines().filter(l -> l.contains("key=" + garbageKey))).hasSize(2);
    }

    @Test
    @Order(2)
    @DisplayName("the whole log replayed twice into every service: no new output, the same state and read models")
    void replayingTheLogChangesNothing() throws Exception {
        // a busy run: instances of every tier, a credential, a listing, a connection, a failover
        try (var producer = operator.requests()) {
            for (String plan : List.of("HOBBYIST", "STARTUP-2", "BUSINESS-4", "PREMIUM-8")) {
                String id = "replay-" + plan.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8);
                instances.add(id);
                producer.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), id,
                        Platform.request(ORG, id, plan, Engine.POSTGRESQL))).get(30, TimeUnit.SECONDS);
            }
        }
        for (String id : instances) {
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(operator.get(
                    plane.url("marketplace-service", "/instances/" + id)).body()).contains("\"status\":\"READY\""));
        }
        String premium = instances.get(3);
        var cred = operator.post(plane.url("marketplace-service", "/instances/" + premium + "/credentials"),
                "{\"kind\":\"CREATED\",\"displayName\":\"app\",\"environment\":\"prod\",\"username\":\"u\","
                        + "\"password\":\"p\"}");
        assertThat(cred.statusCode()).as(cred.body()).isEqualTo(201);
        operator.post(plane.url("marketplace-service", "/instances/" + premium + "/listing"), "");
        operator.post(plane.url("simulator", "/nodes/" + premium + "-n1/fail"), "");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(operator.get(plane.url(
                "failover-service", "/instances/" + premium + "/failovers")).body()).contains("\"COMPLETED\""));
        // the last effects (replacement up, ready again) have settled: two looks 2 s apart agree
        Map<String, Long>[] last = new Map[] {Map.of()};
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            Map<String, Long> now = outputCounts();
            boolean stable = now.equals(last[0]);
            last[0] = now;
            return stable;
        });
        Map<String, Long> outputsBefore = outputCounts();
        Map<String, String> viewsBefore = views();
        for (int round = 0; round < 2; round++) {
            for (var topic : List.of(Topics.INSTANCE_REQUESTS, Topics.BILLING_EVENTS, Topics.DATA_PLANE_EVENTS,
                    Topics.NODE_TELEMETRY, Topics.NODE_ALERTS, Topics.MARKETPLACE_COMMANDS, Topics.BACKUP_COMMANDS,
                    Topics.FAILOVER_COMMANDS)) {
                Run replay = dcp("replay", topic.name(), "--from", "2020-01-01T00:00:00Z");
                assertThat(replay.exit()).as(replay.out()).isZero();
            }
        }
        awaitServicesCaughtUp();
        assertThat(outputCounts()).as("output events per topic").isEqualTo(outputsBefore);
        assertThat(views()).isEqualTo(viewsBefore);
    }

    @Test
    @Order(3)
    @DisplayName("every service rebuilt from empty in a shadow: no difference")
    void servicesRebuildToTheSameState() throws Exception {
        for (String service : List.of("provisioning-service", "failover-service", "backup-service",
                "marketplace-service")) {
            ControlPlane.Shadow shadow = plane.launchShadow(service);
            Run compare = dcp("compare-state", plane.url(service, ""), shadow.url(), "--shadow-application-id",
                    shadow.applicationId(), "--secret-file", plane.authSecretFile().toString(), "--wait-seconds", "120");
            assertThat(compare.exit()).as(service + ":\n" + compare.out()).isZero();
            assertThat(compare.out()).contains("no difference").contains("same ");
        }
    }

    @Test
    @Order(4)
    @DisplayName("a blue-green switch hands failover-service's relayed topics over: the new id goes on where the old one stopped")
    void aBlueGreenSwitchHandsTheRelayedTopicsOver() throws Exception {
        String old = "handover-old-" + UUID.randomUUID();
        String fresh = "handover-new-" + UUID.randomUUID();
        var events = new org.apache.kafka.common.TopicPartition(Topics.FAILOVER_EVENTS.name(), 0);
        var moreEvents = new org.apache.kafka.common.TopicPartition(Topics.FAILOVER_EVENTS.name(), 1);
        var commands = new org.apache.kafka.common.TopicPartition(Topics.FAILOVER_COMMANDS.name(), 0);
        var telemetry = new org.apache.kafka.common.TopicPartition(Topics.NODE_TELEMETRY.name(), 0);
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBrokerExtension.bootstrapServers()))) {
            admin.alterConsumerGroupOffsets(old, Map.of(events, at(5), moreEvents, at(3), commands, at(4),
                    telemetry, at(9))).all().get(30, TimeUnit.SECONDS);
            // the new id's shadow read the verdicts further than the old one relayed them, and the commands less
            admin.alterConsumerGroupOffsets(fresh, Map.of(events, at(7), commands, at(1), telemetry, at(2)))
                    .all().get(30, TimeUnit.SECONDS);

            Run handOver = dcp("hand-over", "failover-service", old, fresh);
            assertThat(handOver.exit()).as(handOver.out()).isZero();

            var positions = admin.listConsumerGroupOffsets(fresh).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            assertThat(positions.get(events).offset()).as("where the old id stopped relaying").isEqualTo(5);
            assertThat(positions.get(moreEvents).offset()).as("none of its own: the old id's").isEqualTo(3);
            assertThat(positions.get(commands).offset()).as("its own, earlier: taken again, once").isEqualTo(1);
            assertThat(positions.get(telemetry).offset()).as("what it reads itself is its own").isEqualTo(2);
            admin.deleteConsumerGroups(List.of(old, fresh)).all().get(30, TimeUnit.SECONDS);
        }
        Run other = dcp("hand-over", "marketplace-service", old, fresh);
        assertThat(other.out()).contains("relays nothing");
    }

    private static org.apache.kafka.clients.consumer.OffsetAndMetadata at(long offset) {
        return new org.apache.kafka.clients.consumer.OffsetAndMetadata(offset);
    }

    /**
     * How many events each service has published so far about this class's instances (read_committed, up
     * to the end of each topic). Only these: the instances earlier classes left in the shared broker reach
     * their 5-minute log archiving and daily backups while this runs, and their timers' events are no
     * replay's doing.
     */
    private Map<String, Long> outputCounts() {
        Map<String, Long> counts = new TreeMap<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(Map.of(
                org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBrokerExtension.bootstrapServers(),
                org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            for (var topic : List.of(Topics.INSTANCE_EVENTS, Topics.FAILOVER_EVENTS, Topics.BACKUP_EVENTS,
                    Topics.MARKETPLACE_EVENTS, Topics.RESTORE_POINTS)) {
                var partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                        .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                var end = consumer.endOffsets(partitions);
                long n = 0;
                long deadline = System.currentTimeMillis() + 60_000;
                while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                        && System.currentTimeMillis() < deadline) {
                    for (var r : consumer.poll(Duration.ofMillis(200))) {
                        if (instances.contains(r.key())) {
                            n++;
                        }
                    }
                }
                counts.put(topic.name(), n);
            }
        }
        return counts;
    }

    /** Waits until every service has read past where each topic it reads ended when the wait began. */
    private void awaitServicesCaughtUp() throws Exception {
        String bootstrap = KafkaBrokerExtension.bootstrapServers();
        var ends = ReadPastEnds.ends(bootstrap, List.of("provisioning-service", "failover-service",
                "backup-service", "marketplace-service"));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(ReadPastEnds.unreadBefore(bootstrap, ends)).as("unread records").isEmpty());
    }

    /** Every service's state and read models of the instances of this run, as their HTTP APIs answer. */
    private Map<String, String> views() throws Exception {
        Map<String, String> views = new TreeMap<>();
        for (String id : instances) {
            views.put("provisioning " + id, operator.get(plane.url("provisioning-service", "/instances/" + id)).body());
            views.put("fleet " + id, operator.get(plane.url("marketplace-service", "/instances/" + id)).body());
            views.put("marketplace " + id, operator.get(plane.url("marketplace-service", "/instances/" + id
                    + "/marketplace")).body());
            views.put("history " + id, operator.get(plane.url("marketplace-service", "/instances/" + id
                    + "/history")).body());
            views.put("failovers " + id, operator.get(plane.url("failover-service", "/instances/" + id
                    + "/failovers")).body());
            views.put("backups " + id, operator.get(plane.url("backup-service", "/instances/" + id + "/backups"))
                    .body());
        }
        views.put("organization", operator.get(plane.url("provisioning-service", "/organizations/" + ORG)).body());
        return views;
    }
}
