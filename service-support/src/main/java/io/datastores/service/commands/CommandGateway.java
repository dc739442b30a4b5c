package io.datastores.service.commands;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.datastores.contract.TopicSpec;
import io.datastores.events.EventMetadata;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.service.PlatformBeans.PreparedPlatform;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The one way a service's HTTP API sends a command: to a command topic of the contract, with the
 * records that must go with it (a sealed secret's key, say), in one Kafka transaction of one
 * transactional producer per service. The event metadata is stamped here and nowhere else: the
 * request id is the event id and the correlation id, the producer is the topic's declared writer,
 * the time is the clock's.
 *
 * <p>{@link #send} answers a future of the <em>decision</em>: the first event on the command's
 * decision topic that carries the command's key and, as its correlation id, the request id (a
 * decider's events keep the correlation of the command that caused them), and that the command
 * counts as a decision ({@link Command#decision()}: a step on the way, such as a request to another
 * party whose answer decides, does not complete it). After the decision
 * timeout ({@code dcp.commands.decision-timeout}, 5 s) the future completes as
 * {@linkplain Decision#pending() pending}; a command whose decision is not published completes as
 * pending once it is appended.
 *
 * <p>How the decision gets here, with several instances of a service: the instance holding the HTTP
 * request is often not the one whose stream task decides (the command's partition may be another
 * instance's). So every instance reads the decision topic itself: all partitions,
 * {@code read_committed}, from the end as it was before its first command was sent, and completes
 * the futures it holds. It needs no reply topic, no remote store query and no polling; it costs one
 * consumer per decision topic, which decodes records only while a request is waiting. A decision
 * that comes after the timeout is still made and published; only the HTTP answer said 202. See
 * {@code docs/adr/0009-one-command-gateway.md}.
 */
@Singleton
public class CommandGateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CommandGateway.class);

    private final String bootstrap;
    private final ContractSerdes serdes;
    private final Clock clock;
    private final Duration timeout;
    private final String service;
    private KafkaProducer<String, byte[]> producer;
    private final Map<String, DecisionReader> readers = new ConcurrentHashMap<>();

    @Inject
    public CommandGateway(PreparedPlatform platform, ContractSerdes serdes, Clock clock,
            @Value("${dcp.commands.decision-timeout:5s}") Duration timeout,
            @Value("${micronaut.application.name:service}") String service) {
        this(platform.bootstrapServers(), serdes, clock, timeout, service);
    }

    /** A gateway on {@code bootstrap}; {@code service} names its transactional producer. */
    public CommandGateway(String bootstrap, ContractSerdes serdes, Clock clock, Duration timeout,
            String service) {
        this.bootstrap = bootstrap;
        this.serdes = serdes;
        this.clock = clock;
        this.timeout = timeout;
        this.service = service;
        this.producer = newProducer();
    }

    /** A transactional producer of its own id (one process, one id: no other instance to fence). */
    private KafkaProducer<String, byte[]> newProducer() {
        KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ProducerConfig.TRANSACTIONAL_ID_CONFIG, service + "-commands-" + UUID.randomUUID(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer());
        p.initTransactions();
        return p;
    }

    /** How long a {@link #send} waits for its decision. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Appends {@code command} (and what goes with it) and returns once the broker has committed it:
     * the future completes with the decision, or as pending after the timeout. A Kafka error while
     * appending is thrown, and nothing was appended.
     */
    public CompletableFuture<Decision> send(Command command) {
        if (command.decidedOn() == null) {
            append(command);
            return CompletableFuture.completedFuture(Decision.pending(command.requestId(), command.key()));
        }
        DecisionReader reader = readers.computeIfAbsent(command.decidedOn().name(),
                t -> new DecisionReader(command.decidedOn()));
        CompletableFuture<Decision> decided = reader.expect(command.requestId(), command.key(),
                command.decision());
        try {
            append(command);
        } catch (RuntimeException e) {
            reader.forget(command.requestId(), decided);
            throw e;
        }
        return decided.completeOnTimeout(Decision.pending(command.requestId(), command.key()),
                timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((d, e) -> reader.forget(command.requestId(), decided));
    }

    private synchronized void append(Command command) {
        EventMetadata meta = new EventMetadata(command.requestId(), command.requestId(), null,
                clock.instant(), command.topic().writer());
        List<ProducerRecord<String, byte[]>> records = new java.util.ArrayList<>();
        for (Command.Attachment a : command.attachments()) {
            records.add(new ProducerRecord<>(a.topic().name(), a.key(), a.payload() == null ? null
                    : bytes(a.topic(), envelope(a.topic(), attachmentMeta(meta, a), a.payload()))));
        }
        records.add(new ProducerRecord<>(command.topic().name(), command.key(),
                bytes(command.topic(), envelope(command.topic(), meta, command.payload()))));
        if (producer == null) {
            producer = newProducer();
        }
        try {
            producer.beginTransaction();
            records.forEach(producer::send);
            producer.commitTransaction();
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException fatal) { // fenced, or its id expired after a long idle: start afresh
                LOG.warn("the command producer cannot go on ({}); a new one replaces it",
                        fatal.getClass().getSimpleName());
                producer.close(Duration.ZERO);
                producer = null;
            }
            throw e;
        }
    }

    /** An attachment's own event id, a function of the request's, in the same conversation. */
    private static EventMetadata attachmentMeta(EventMetadata command, Command.Attachment a) {
        String seed = command.getEventId() + "/" + a.topic().name() + "/" + a.key();
        return new EventMetadata(UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString(),
                command.getCorrelationId(), null, command.getOccurredAt(), a.topic().writer());
    }

    /** The topic's envelope around {@code payload}, which must be one of the topic's event types. */
    private static SpecificRecord envelope(TopicSpec<?> topic, EventMetadata meta, SpecificRecord payload) {
        SpecificRecord envelope;
        try {
            envelope = topic.valueType().getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("not a generated envelope: " + topic.valueType(), e);
        }
        Schema schema = topic.valueSchema();
        envelope.put(schema.getField("metadata").pos(), meta);
        envelope.put(schema.getField("payload").pos(), payload);
        return envelope;
    }

    private <T extends SpecificRecord> byte[] bytes(TopicSpec<T> topic, SpecificRecord envelope) {
        return serdes.value(topic).serializer().serialize(topic.name(), topic.valueType().cast(envelope));
    }

    @Override
    @PreDestroy
    public void close() {
        readers.values().forEach(DecisionReader::close);
        synchronized (this) {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
        }
    }

    /**
     * One decision topic, read by this instance: completes the futures waiting for a request id
     * when an event of that correlation and key appears.
     */
    private final class DecisionReader {

        private final TopicSpec<?> topic;
        private final KafkaConsumer<String, byte[]> consumer;
        private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        private record Waiting(String key, Predicate<Object> decision,
                CompletableFuture<Decision> future) {
        }

        /** Takes position at the topic's end before returning, so no later decision is missed. */
        DecisionReader(TopicSpec<?> topic) {
            this.topic = topic;
            this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                    new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30))
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            this.thread = new Thread(this::run, "decisions-" + topic.name());
            thread.setDaemon(true);
            thread.start();
        }

        CompletableFuture<Decision> expect(String requestId, String key, Predicate<Object> decision) {
            return waiting.computeIfAbsent(requestId,
                    id -> new Waiting(key, decision, new CompletableFuture<>())).future();
        }

        void forget(String requestId, CompletableFuture<Decision> future) {
            waiting.computeIfPresent(requestId, (id, w) -> w.future() == future ? null : w);
        }

        private void run() {
            try {
                while (running.get()) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        if (!waiting.isEmpty()) {
                            observe(r);
                        }
                    }
                }
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                LOG.error("the reader of decisions on {} stopped; requests will answer as pending",
                        topic.name(), e);
            } finally {
                consumer.close();
            }
        }

        private void observe(ConsumerRecord<String, byte[]> r) {
            if (r.value() == null) {
                return;
            }
            SpecificRecord event;
            try {
                event = serdes.value(topic).deserializer().deserialize(r.topic(), r.value());
            } catch (RuntimeException e) {
                LOG.debug("undecodable record {}-{}@{} skipped", r.topic(), r.partition(), r.offset());
                return;
            }
            Object meta = event.get(event.getSchema().getField("metadata").pos());
            if (!(meta instanceof EventMetadata m) || m.getCorrelationId() == null) {
                return;
            }
            Waiting w = waiting.get(m.getCorrelationId());
            if (w != null && w.key().equals(r.key())) {
                Decision d = new Decision(m.getCorrelationId(), r.key(), event);
                if (w.decision().test(d.payload())) {
                    w.future().complete(d);
                }
            }
        }

        void close() {
            running.set(false);
            consumer.wakeup();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * What became of a request: the decision's event (its topic's envelope), or none yet.
     *
     * @param requestId the request, the decision's correlation id
     * @param key       the command's key (an instance id, a region)
     * @param event     the envelope of the decision, null while pending
     */
    public record Decision(String requestId, String key, @Nullable SpecificRecord event) {

        static Decision pending(String requestId, String key) {
            return new Decision(requestId, key, null);
        }

        /** Not decided within the wait, or a command whose decision is not published. */
        public boolean pending() {
            return event == null;
        }

        /** The decision's event type (the envelope's payload), null while pending. */
        public @Nullable Object payload() {
            return event == null ? null : event.get(event.getSchema().getField("payload").pos());
        }
    }
}
