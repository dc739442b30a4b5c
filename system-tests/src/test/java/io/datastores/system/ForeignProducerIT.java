package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.datastores.contract.SchemaHistory;
import io.datastores.contract.TopicSpec;
import io.datastores.contract.Topics;
import io.datastores.events.BackupCommandEnvelope;
import io.datastores.events.BackupScheduleSet;
import io.datastores.events.BillingEventEnvelope;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.Engine;
import io.datastores.events.FailoverCommandEnvelope;
import io.datastores.events.NodeAlertEnvelope;
import io.datastores.events.NodeFailed;
import io.datastores.events.NodeHeartbeat;
import io.datastores.events.NodeProvisioned;
import io.datastores.events.NodeRole;
import io.datastores.events.NodeTelemetryEnvelope;
import io.datastores.events.OrganizationTier;
import io.datastores.events.OrganizationTierChanged;
import io.datastores.events.RegionFailoverDecision;
import io.datastores.kit.kafka.PlatformBootstrap;
import io.datastores.kit.serde.AvroSerde;
import io.datastores.kit.serde.AvroSerializer;
import io.datastores.kit.serde.RestSchemaRegistry;
import io.datastores.kit.serde.SchemaRegistry;
import io.datastores.kit.serde.WireFormat;

/**
 * A producer outside the control plane, configured as production setups of Confluent's serializer
 * are ({@code auto.register.schemas=false}, {@code use.latest.version=true}), publishes to every
 * topic other systems write, on a stack that has only just been prepared: the platform registered
 * every topic's schemas at start-up, so nothing depends on one of our producers having
 * auto-registered them first. The broker and registry are this test's own, fresh.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForeignProducerIT {

    private FreshBackbone backbone;
    private String registryUrl;
    private SchemaRegistry registry;

    @BeforeAll
    void freshBrokerAndRegistry() {
        backbone = FreshBackbone.start("foreign-producer");
        registryUrl = backbone.registryUrl();
        registry = new RestSchemaRegistry(registryUrl);
        assertThat(registry.subjects()).as("a fresh registry").isEmpty();

        PlatformBootstrap.prepare(backbone.bootstrapServers(), registry, Duration.ofSeconds(30));
    }

    @AfterAll
    void stop() {
        if (backbone != null) {
            backbone.close();
        }
    }

    private static io.datastores.events.EventMetadata meta() {
        return Platform.meta("foreign-producer");
    }

    /** One valid event for each topic that systems other than the four services write. */
    private static Map<TopicSpec<?>, SpecificRecord> eventPerInputTopic(String id) {
        Map<TopicSpec<?>, SpecificRecord> events = new LinkedHashMap<>();
        events.put(Topics.INSTANCE_REQUESTS, Platform.request("org-" + id, id, "HOBBYIST", Engine.CACHE));
        events.put(Topics.BILLING_EVENTS, new BillingEventEnvelope(meta(),
                new OrganizationTierChanged("org-" + id, OrganizationTier.PAID)));
        events.put(Topics.NODE_ALERTS, new NodeAlertEnvelope(meta(),
                new NodeFailed(id, id + "-n1", "the host is gone", "PLATFORM", 0L)));
        events.put(Topics.DATA_PLANE_EVENTS, new DataPlaneEventEnvelope(meta(),
                new NodeProvisioned(id, id + "-n1", id + ".db.example", "10.0.0.7", "us-east-1a", null, null)));
        events.put(Topics.NODE_TELEMETRY, new NodeTelemetryEnvelope(meta(),
                new NodeHeartbeat(id, id + "-n1", NodeRole.PRIMARY, 42L, 1L)));
        events.put(Topics.BACKUP_COMMANDS, new BackupCommandEnvelope(meta(), new BackupScheduleSet(id, 90)));
        events.put(Topics.FAILOVER_COMMANDS, new FailoverCommandEnvelope(meta(),
                new RegionFailoverDecision("AWS:us-east-1", "DISMISS", "ops@example", "drill")));
        return events;
    }

    /** Our serde, configured as a production Confluent serializer is. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private AvroSerde<SpecificRecord> productionSerde(TopicSpec<?> topic) {
        AvroSerde serde = new AvroSerde(topic.valueType(), new RestSchemaRegistry(registryUrl));
        serde.configure(Map.of(AvroSerializer.REGISTRY_URL, registryUrl,
                AvroSerializer.AUTO_REGISTER_SCHEMAS, "false",
                AvroSerializer.USE_LATEST_VERSION, "true"), false);
        return serde;
    }

    @Test
    @DisplayName("with auto-registration off, a producer publishes to every input topic and a consumer reads it back")
    void publishesToEveryInputTopic() throws Exception {
        String id = "foreign-" + UUID.randomUUID();
        Map<TopicSpec<?>, SpecificRecord> events = eventPerInputTopic(id);
        assertThat(events.keySet()).extracting(TopicSpec::name).contains("dcp.instance-requests",
                "dcp.billing-events", "dcp.node-alerts", "dcp.backup-commands", "dcp.failover-commands");
        List<String> subjectsBefore = registry.subjects();

        for (Map.Entry<TopicSpec<?>, SpecificRecord> e : events.entrySet()) {
            TopicSpec<?> topic = e.getKey();
            AvroSerde<SpecificRecord> serde = productionSerde(topic);
            String key = topic == Topics.BILLING_EVENTS ? "org-" + id
                    : topic == Topics.FAILOVER_COMMANDS ? "AWS:us-east-1" : id;
            try (var producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    backbone.bootstrapServers()), new StringSerializer(), serde.serializer())) {
                producer.send(new ProducerRecord<>(topic.name(), key, e.getValue())).get(30, TimeUnit.SECONDS);
            }
            try (TopicReader reader = new TopicReader(backbone.bootstrapServers(), topic.name())) {
                List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    read.clear();
                    read.addAll(reader.poll().stream().filter(r -> key.equals(r.key())).toList());
                    assertThat(read).as(topic.name()).isNotEmpty();
                });
                byte[] value = read.get(0).value();
                assertThat(WireFormat.unframe(value).schemaId()).as(topic.name())
                        .isEqualTo(registry.version(topic.valueSubject(), "latest").id());
                assertThat(serde.deserializer().deserialize(topic.name(), value)).as(topic.name())
                        .isEqualTo(e.getValue());
            }
        }
        assertThat(registry.subjects()).as("the producers registered nothing").isEqualTo(subjectsBefore);
    }

    @Test
    @DisplayName("every topic's subject holds each stored version and, last, the current schema")
    void everySubjectHoldsTheContract() {
        for (TopicSpec<?> topic : Topics.ALL) {
            String subject = topic.valueSubject();
            List<Schema> stored = SchemaHistory.packaged(subject);
            assertThat(registry.version(subject, "latest").schema().toString()).as(subject)
                    .isEqualTo(topic.valueSchema().toString());
            assertThat(registry.versions(subject)).as(subject).hasSizeGreaterThanOrEqualTo(stored.size());
            for (Schema version : stored) {
                int id = registry.lookup(subject, version);
                assertThat(registry.schemaById(id)).as(subject).isEqualTo(version);
            }
        }
    }

    @Test
    @DisplayName("preparing again (every service does at start-up) changes nothing")
    void preparingAgainChangesNothing() {
        Map<String, List<Integer>> before = new LinkedHashMap<>();
        Topics.ALL.forEach(t -> before.put(t.valueSubject(), registry.versions(t.valueSubject())));

        PlatformBootstrap.prepare(backbone.bootstrapServers(), registry, Duration.ofSeconds(30));

        Topics.ALL.forEach(t -> assertThat(registry.versions(t.valueSubject())).as(t.valueSubject())
                .isEqualTo(before.get(t.valueSubject())));
    }
}
