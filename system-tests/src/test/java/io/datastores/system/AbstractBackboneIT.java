package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.datastores.contract.Topics;
import io.datastores.events.Engine;
import io.datastores.events.InstanceAccepted;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceReady;
import io.datastores.events.InstanceRequestEnvelope;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.serde.WireFormat;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.kit.streams.EnvelopeMeta;

/**
 * The backbone, end to end, on a real broker and the real registry, with every service and the
 * simulator as its own process. Subclasses say which broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractBackboneIT {

    private static final String ORG = "org-it";
    private ControlPlane plane;
    private ContractSerdes serdes;
    private Platform platform;

    abstract String bootstrapServers();

    abstract String registryUrl();

    @BeforeAll
    void startControlPlane() throws Exception {
        Path dir = Files.createTempDirectory(getClass().getSimpleName());
        serdes = new ContractSerdes(registryUrl());
        plane = new ControlPlane(bootstrapServers(), registryUrl(), dir).start();
        platform = new Platform(bootstrapServers(), serdes);
        platform.pays(ORG, plane);
    }

    @AfterAll
    void stopControlPlane() {
        if (plane != null) {
            plane.close();
        }
    }

    private static InstanceRequestEnvelope request(String instanceId, String plan, Engine engine) {
        return Platform.request(ORG, instanceId, plan, engine);
    }

    private KafkaProducer<String, InstanceRequestEnvelope> requests() {
        return platform.requests();
    }

    private List<InstanceEventEnvelope> instanceEvents(TopicReader reader) {
        return reader.poll().stream()
                .map(r -> serdes.value(Topics.INSTANCE_EVENTS).deserializer().deserialize(r.topic(), r.value()))
                .toList();
    }

    private static <T> List<T> payloads(List<InstanceEventEnvelope> events, Class<T> type) {
        return events.stream().map(InstanceEventEnvelope::getPayload).filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    @DisplayName("InstanceRequested in, InstanceReady out, the instance served by the fleet view over HTTP")
    void instanceRequestedBecomesReadyAndVisible() throws Exception {
        String id = "e2e-" + UUID.randomUUID();
        try (var producer = requests()) {
            producer.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), id,
                    request(id, "PREMIUM-8", Engine.POSTGRESQL))).get(30, TimeUnit.SECONDS);
        }
        try (TopicReader reader = new TopicReader(bootstrapServers(), Topics.INSTANCE_EVENTS.name())) {
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(
                    payloads(instanceEvents(reader), InstanceReady.class))
                    .anySatisfy(ready -> {
                        assertThat(ready.getInstanceId()).isEqualTo(id);
                        assertThat(ready.getNodes()).hasSize(3);
                        assertThat(ready.getConnectionLimit()).isEqualTo(200);
                    }));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> view = platform.get(plane.url("marketplace-service", "/instances/" + id));
            assertThat(view.statusCode()).isEqualTo(200);
            assertThat(view.body()).contains("\"status\":\"READY\"").contains("\"connectionLimit\":200")
                    .contains("\"role\":\"PRIMARY\"");
        });
    }

    @Test
    @DisplayName("garbage bytes and an unknown schema id reach the DLQ with their cause; the next event is processed")
    void badInputIsDeadLetteredAndProcessingGoesOn() throws Exception {
        String id = "dlq-" + UUID.randomUUID();
        byte[] garbage = "definitely not avro".getBytes(StandardCharsets.UTF_8);
        byte[] unknownSchema = WireFormat.frame(987_654, new byte[] {2, 65});
        try (var raw = new KafkaProducer<String, byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers()), new StringSerializer(), new ByteArraySerializer());
                var producer = requests()) {
            raw.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), id, garbage)).get(30, TimeUnit.SECONDS);
            raw.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), id, unknownSchema)).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), id,
                    request(id, "HOBBYIST", Engine.MYSQL))).get(30, TimeUnit.SECONDS);
        }
        try (TopicReader dlq = new TopicReader(bootstrapServers(), Topics.INSTANCE_REQUESTS.deadLetterTopic())) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                List<ConsumerRecord<String, byte[]>> mine = dlq.poll().stream().filter(r -> id.equals(r.key())).toList();
                assertThat(mine).hasSize(2);
                assertThat(header(mine.get(0), DeadLetters.CAUSE)).isEqualTo("NOT_WIRE_FORMAT");
                assertThat(mine.get(0).value()).isEqualTo(garbage);
                assertThat(header(mine.get(1), DeadLetters.CAUSE)).isEqualTo("UNKNOWN_SCHEMA_ID");
                assertThat(header(mine.get(1), DeadLetters.ERROR)).contains("987654");
                assertThat(header(mine.get(1), DeadLetters.SERVICE)).isEqualTo("provisioning-service");
                assertThat(header(mine.get(1), DeadLetters.TOPIC)).isEqualTo(Topics.INSTANCE_REQUESTS.name());
            });
        }
        try (TopicReader reader = new TopicReader(bootstrapServers(), Topics.INSTANCE_EVENTS.name())) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    payloads(instanceEvents(reader), InstanceAccepted.class))
                    .anySatisfy(a -> assertThat(a.getInstanceId()).isEqualTo(id)));
        }
    }

    @Test
    @DisplayName("provisioning SIGKILLed mid-stream and restarted: no event lost, none duplicated (read_committed)")
    void killedServiceLosesAndDuplicatesNothing() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int count = 150;
        List<String> ids = new ArrayList<>();
        try (TopicReader reader = new TopicReader(bootstrapServers(), Topics.INSTANCE_EVENTS.name());
                var producer = requests()) {
            Function<List<InstanceEventEnvelope>, Long> acceptedOfRun = events -> payloads(events, InstanceAccepted.class)
                    .stream().filter(a -> a.getInstanceId().startsWith("kill-" + run)).count();
            for (int i = 0; i < count; i++) {
                String id = "kill-" + run + "-" + i;
                ids.add(id);
                producer.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), id,
                        request(id, i % 3 == 0 ? "BUSINESS-4" : "HOBBYIST", Engine.POSTGRESQL)));
                if (i == count / 3) {
                    producer.flush();
                    await().atMost(Duration.ofSeconds(60)).until(() -> acceptedOfRun.apply(instanceEvents(reader)) > 10);
                    plane.kill("provisioning-service");
                }
            }
            producer.flush();
            plane.launch("provisioning-service");
            plane.awaitHealthy("provisioning-service");

            await().atMost(Duration.ofSeconds(150)).untilAsserted(() -> {
                List<InstanceEventEnvelope> events = instanceEvents(reader).stream()
                        .filter(e -> EnvelopeMeta.payloadField(e, "instanceId").orElse("").startsWith("kill-" + run))
                        .toList();
                Map<String, Long> readyPerInstance = payloads(events, InstanceReady.class).stream()
                        .collect(Collectors.groupingBy(InstanceReady::getInstanceId, Collectors.counting()));
                Map<String, Long> acceptedPerInstance = payloads(events, InstanceAccepted.class).stream()
                        .collect(Collectors.groupingBy(InstanceAccepted::getInstanceId, Collectors.counting()));
                assertThat(acceptedPerInstance).as("one acceptance per request").hasSize(count)
                        .allSatisfy((k, v) -> assertThat(v).isEqualTo(1L));
                assertThat(readyPerInstance.keySet()).as("every instance ready").containsExactlyInAnyOrderElementsOf(ids);
                assertThat(readyPerInstance.values()).as("ready exactly once").containsOnly(1L);
                Set<String> eventIds = new HashSet<>();
                for (InstanceEventEnvelope e : events) {
                    assertThat(eventIds.add(e.getMetadata().getEventId())).as("event id %s unique",
                            e.getMetadata().getEventId()).isTrue();
                }
            });
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
