package io.datastores.service.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import io.datastores.contract.Topics;
import io.datastores.events.BackupScheduleSet;
import io.datastores.events.CredentialDataKey;
import io.datastores.events.CredentialKeyEnvelope;
import io.datastores.events.EventMetadata;
import io.datastores.events.FailoverCommandEnvelope;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.NodeLossConfirmed;
import io.datastores.events.RegionCommandRejected;
import io.datastores.events.RegionFailoverDecision;
import io.datastores.events.RegionFailoverResumed;
import io.datastores.kit.kafka.PlatformBootstrap;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.serde.MockSchemaRegistry;
import io.datastores.testkit.KafkaBrokerExtension;

/**
 * The gateway on a real broker, against a small stand-in for a service's topology that decides
 * region decisions the way failover-service's guard publishes them (a loss keyed by instance, then
 * the verdict keyed by region, both correlated with the request): CONFIRM resumes, DISMISS is
 * refused, IGNORE is never decided, STEPS publishes a step on the way (a refusal-shaped event) before
 * the verdict, under the same key.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandGatewayIT {

    private static final String REGION = "AWS:eu-west-1";
    private final String registryUrl = MockSchemaRegistry.PREFIX + "gateway-it-" + UUID.randomUUID();
    private final Instant now = Instant.parse("2026-11-22T10:00:00Z");
    private ContractSerdes serdes;
    private KafkaStreams topology;
    private CommandGateway gateway;
    private CommandGateway otherInstance;

    @BeforeAll
    void start() throws Exception {
        serdes = new ContractSerdes(registryUrl);
        PlatformBootstrap.prepare(KafkaBrokerExtension.bootstrapServers(), serdes.registry(), Duration.ofSeconds(30));
        topology = standInTopology();
        topology.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> topology.state() == KafkaStreams.State.RUNNING);
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        gateway = new CommandGateway(KafkaBrokerExtension.bootstrapServers(), serdes, clock, Duration.ofSeconds(10),
                "gateway-it");
        otherInstance = new CommandGateway(KafkaBrokerExtension.bootstrapServers(), serdes, clock,
                Duration.ofSeconds(10), "gateway-it");
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
            otherInstance.close();
        }
        if (topology != null) {
            topology.close(Duration.ofSeconds(10));
        }
    }

    private KafkaStreams standInTopology() throws Exception {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.FAILOVER_COMMANDS.name(), Consumed.with(Serdes.String(),
                serdes.value(Topics.FAILOVER_COMMANDS)))
                .flatMap((region, command) -> decide(region, command))
                .to(Topics.FAILOVER_EVENTS.name(), Produced.with(Serdes.String(), serdes.value(Topics.FAILOVER_EVENTS)));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "gateway-it-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerExtension.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("gateway-it").toString());
        return new KafkaStreams(builder.build(), props);
    }

    /** The stand-in's decisions: each event keeps the command's correlation, as a decider's do. */
    private static List<KeyValue<String, FailoverEventEnvelope>> decide(String region, FailoverCommandEnvelope c) {
        RegionFailoverDecision d = (RegionFailoverDecision) c.getPayload();
        EventMetadata m = c.getMetadata();
        List<KeyValue<String, FailoverEventEnvelope>> out = new ArrayList<>();
        switch (d.getAction()) {
            case "CONFIRM" -> {
                out.add(KeyValue.pair("inst-1", event(m, 0, new NodeLossConfirmed("inst-1", "inst-1-n1", region,
                        "confirmed by " + d.getOperator()))));
                out.add(KeyValue.pair(region, event(m, 1, new RegionFailoverResumed(region, "CONFIRMED",
                        d.getOperator(), d.getNote()))));
            }
            case "DISMISS" -> out.add(KeyValue.pair(region, event(m, 0, new RegionCommandRejected(region,
                    "DISMISS", "automatic failover is not paused in this region"))));
            case "STEPS" -> {
                out.add(KeyValue.pair(region, event(m, 0, new RegionCommandRejected(region, "STEPS",
                        "a step on the way"))));
                out.add(KeyValue.pair(region, event(m, 1, new RegionFailoverResumed(region, "CONFIRMED",
                        d.getOperator(), d.getNote()))));
            }
            default -> {
                // IGNORE: never decided
            }
        }
        return out;
    }

    private static FailoverEventEnvelope event(EventMetadata cause, int index, Object payload) {
        return new FailoverEventEnvelope(new EventMetadata(cause.getEventId() + "/" + index,
                cause.getCorrelationId(), cause.getEventId(), cause.getOccurredAt(), "stand-in"), payload);
    }

    private static Command decision(String requestId, String action) {
        return Command.to(Topics.FAILOVER_COMMANDS, REGION, requestId,
                new RegionFailoverDecision(REGION, action, "ops@example", "")).decidedOn(Topics.FAILOVER_EVENTS);
    }

    @Test
    @DisplayName("the future completes with the decision's event for the request and key")
    void completedByTheDecision() throws Exception {
        String requestId = UUID.randomUUID().toString();
        CommandGateway.Decision d = gateway.send(decision(requestId, "CONFIRM")).get(30, TimeUnit.SECONDS);
        assertThat(d.pending()).isFalse();
        assertThat(d.requestId()).isEqualTo(requestId);
        assertThat(d.key()).isEqualTo(REGION);
        assertThat(d.payload()).as("the verdict keyed by region, not the loss keyed by instance")
                .isInstanceOfSatisfying(RegionFailoverResumed.class,
                        r -> assertThat(r.getAction()).isEqualTo("CONFIRMED"));

        CommandGateway.Decision refused = gateway.send(decision(UUID.randomUUID().toString(), "DISMISS"))
                .get(30, TimeUnit.SECONDS);
        assertThat(refused.payload()).isInstanceOf(RegionCommandRejected.class);
    }

    @Test
    @DisplayName("a command that names its decision is not completed by a step on the way")
    void completedOnlyByWhatItCountsAsADecision() throws Exception {
        CommandGateway.Decision first = gateway.send(decision(UUID.randomUUID().toString(), "STEPS"))
                .get(30, TimeUnit.SECONDS);
        assertThat(first.payload()).as("without a predicate, the first event answers")
                .isInstanceOf(RegionCommandRejected.class);

        String requestId = UUID.randomUUID().toString();
        CommandGateway.Decision d = gateway.send(Command.to(Topics.FAILOVER_COMMANDS, REGION, requestId,
                new RegionFailoverDecision(REGION, "STEPS", "ops@example", ""))
                .decidedOn(Topics.FAILOVER_EVENTS, RegionFailoverResumed.class::isInstance))
                .get(30, TimeUnit.SECONDS);
        assertThat(d.requestId()).isEqualTo(requestId);
        assertThat(d.payload()).isInstanceOf(RegionFailoverResumed.class);
    }

    @Test
    @DisplayName("a command not decided within the timeout completes as pending, with its request id")
    void timeoutGivesPending() throws Exception {
        try (CommandGateway impatient = new CommandGateway(KafkaBrokerExtension.bootstrapServers(), serdes,
                Clock.systemUTC(), Duration.ofMillis(1_500), "gateway-it")) {
            String requestId = UUID.randomUUID().toString();
            long started = System.nanoTime();
            CommandGateway.Decision d = impatient.send(decision(requestId, "IGNORE")).get(30, TimeUnit.SECONDS);
            assertThat(d.pending()).isTrue();
            assertThat(d.requestId()).isEqualTo(requestId);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1_400));
            // the gateway still hears later decisions
            assertThat(impatient.send(decision(UUID.randomUUID().toString(), "CONFIRM")).get(30, TimeUnit.SECONDS)
                    .payload()).isInstanceOf(RegionFailoverResumed.class);
        }
    }

    @Test
    @DisplayName("two instances of a service each complete the requests they hold, whoever decided")
    void everyInstanceCompletesItsOwn() throws Exception {
        List<String> ids = new ArrayList<>();
        List<CompletableFuture<CommandGateway.Decision>> futures = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            futures.add((i % 2 == 0 ? gateway : otherInstance).send(decision(id, i % 3 == 0 ? "DISMISS" : "CONFIRM")));
        }
        for (int i = 0; i < futures.size(); i++) {
            CommandGateway.Decision d = futures.get(i).get(30, TimeUnit.SECONDS);
            assertThat(d.requestId()).isEqualTo(ids.get(i));
            assertThat(d.payload()).isInstanceOf(i % 3 == 0 ? RegionCommandRejected.class
                    : RegionFailoverResumed.class);
        }
    }

    @Test
    @DisplayName("metadata is stamped once; what goes with a command is committed with it")
    void metadataAndAttachments() throws Exception {
        String requestId = UUID.randomUUID().toString();
        String instance = "inst-" + UUID.randomUUID();
        CredentialDataKey key = new CredentialDataKey("cred-1", "master", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        CommandGateway.Decision d = gateway.send(Command.to(Topics.BACKUP_COMMANDS, instance, requestId,
                new BackupScheduleSet(instance, 90)).with(Topics.CREDENTIAL_KEYS, "cred-1", key)
                .with(Topics.CREDENTIAL_KEYS, "cred-0", null)).get(10, TimeUnit.SECONDS);
        assertThat(d.pending()).as("a command whose decision is not published answers at once").isTrue();

        List<ConsumerRecord<String, byte[]>> commands = committed(Topics.BACKUP_COMMANDS.name(), instance, 1);
        var command = serdes.value(Topics.BACKUP_COMMANDS).deserializer().deserialize(Topics.BACKUP_COMMANDS.name(),
                commands.get(0).value());
        assertThat(command.getMetadata().getEventId()).isEqualTo(requestId);
        assertThat(command.getMetadata().getCorrelationId()).isEqualTo(requestId);
        assertThat(command.getMetadata().getOccurredAt()).isEqualTo(now);
        assertThat(command.getMetadata().getProducer()).isEqualTo(Topics.BACKUP_COMMANDS.writer());

        ConsumerRecord<String, byte[]> keyRecord = committed(Topics.CREDENTIAL_KEYS.name(), "cred-1", 1).get(0);
        CredentialKeyEnvelope k = serdes.value(Topics.CREDENTIAL_KEYS).deserializer()
                .deserialize(Topics.CREDENTIAL_KEYS.name(), keyRecord.value());
        assertThat(k.getPayload()).isEqualTo(key);
        assertThat(k.getMetadata().getCorrelationId()).isEqualTo(requestId);
        assertThat(k.getMetadata().getEventId()).isNotEqualTo(requestId);
        assertThat(committed(Topics.CREDENTIAL_KEYS.name(), "cred-0", 1).get(0).value()).as("a tombstone").isNull();
    }

    @Test
    @DisplayName("a payload that is not an event of the command topic is refused, and nothing is appended")
    void wrongPayloadIsRefused() {
        String instance = "inst-" + UUID.randomUUID();
        assertThatThrownBy(() -> gateway.send(Command.to(Topics.BACKUP_COMMANDS, instance, UUID.randomUUID().toString(),
                new RegionFailoverDecision(REGION, "CONFIRM", "ops", "")))).isInstanceOf(RuntimeException.class);
        CommandGateway.Decision after = gateway.send(decision(UUID.randomUUID().toString(), "CONFIRM")).join();
        assertThat(after.payload()).as("the gateway still works").isInstanceOf(RegionFailoverResumed.class);
    }

    /** The committed records of {@code key} on {@code topic}, once there are {@code n}. */
    private List<ConsumerRecord<String, byte[]>> committed(String topic, String key, int n) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerExtension.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                });
                return found.size() >= n;
            });
            return found;
        }
    }
}
