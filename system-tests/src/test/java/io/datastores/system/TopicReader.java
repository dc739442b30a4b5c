package io.datastores.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic from the beginning, read_committed, a poll at a time. */
final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    private final String topic;

    TopicReader(String bootstrap, String topic) {
        this.topic = topic;
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    String topic() {
        return topic;
    }

    /**
     * Everything the topic held when asked, read to its end (read_committed: to the last stable offset),
     * however many polls that takes, within 30 s.
     */
    List<ConsumerRecord<String, byte[]>> pollToEnd() {
        List<TopicPartition> partitions = List.copyOf(consumer.assignment());
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long deadline = System.currentTimeMillis() + 30_000;
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                && System.currentTimeMillis() < deadline) {
            poll();
        }
        return records;
    }

    /** Everything read so far, after one more poll. */
    List<ConsumerRecord<String, byte[]>> poll() {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return records;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
