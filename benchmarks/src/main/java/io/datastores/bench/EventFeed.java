package io.datastores.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.datastores.contract.TopicSpec;
import io.datastores.contract.Topics;
import io.datastores.kit.serde.ContractSerdes;

/**
 * Some topics as a platform service reads them ({@code read_committed}, from their start), in a
 * thread of its own: each event's payload, by key, with the moment it was read.
 */
final class EventFeed implements AutoCloseable {

    /** An event read: its topic, key, payload and when it was read ({@link System#nanoTime}). */
    record Seen(String topic, String key, Object payload, long atNanos) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final ContractSerdes serdes;
    private final List<Seen> seen = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    EventFeed(String bootstrap, ContractSerdes serdes, List<TopicSpec<?>> topics) {
        this.serdes = serdes;
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicSpec<?> topic : topics) {
            consumer.partitionsFor(topic.name()).forEach(p -> partitions.add(new TopicPartition(p.topic(),
                    p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::read, "event-feed");
        thread.setDaemon(true);
        thread.start();
    }

    private void read() {
        while (running.get()) {
            var records = consumer.poll(Duration.ofMillis(50));
            long now = System.nanoTime();
            List<Seen> batch = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                TopicSpec<?> topic = Topics.byName(r.topic()).orElseThrow();
                Object envelope = serdes.value(topic).deserializer().deserialize(r.topic(), r.value());
                batch.add(new Seen(r.topic(), r.key(), ((GenericRecord) envelope).get("payload"), now));
            }
            synchronized (seen) {
                seen.addAll(batch);
            }
        }
        consumer.close();
    }

    /** The first event of {@code type} with key {@code key}, if read yet. */
    <T> Optional<Seen> first(String key, Class<T> type) {
        synchronized (seen) {
            return seen.stream().filter(s -> key.equals(s.key()) && type.isInstance(s.payload())).findFirst();
        }
    }

    /** Every event of {@code type} with key {@code key} read so far. */
    <T> List<T> all(String key, Class<T> type) {
        synchronized (seen) {
            return seen.stream().filter(s -> key.equals(s.key()) && type.isInstance(s.payload()))
                    .map(s -> type.cast(s.payload())).toList();
        }
    }

    /** Waits for the first event of {@code type} with key {@code key}. */
    <T> Seen await(String key, Class<T> type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Seen> found = first(key, type);
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("no " + type.getSimpleName() + " for " + key + " within " + timeout);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5_000);
    }
}
