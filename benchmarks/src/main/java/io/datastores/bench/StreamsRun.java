package io.datastores.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * Runs a topology under a fresh application id from the start of its inputs, with
 * {@code exactly_once_v2} and the services' settings, and times how long it takes to commit past
 * every record the given topics held when it started.
 */
final class StreamsRun {

    private StreamsRun() {
    }

    /**
     * Seconds from the topology's first being RUNNING (its tasks assigned; JVM warm-up and the first
     * rebalance are not the topology's speed) to committed past the end of {@code topics} as they were
     * at start.
     */
    static double secondsToConsume(String bootstrap, Topology topology, String name, List<String> topics,
            Path stateDir) throws Exception {
        String applicationId = "bench-" + name + "-" + UUID.randomUUID();
        Properties props = asTheServices(applicationId, bootstrap, 100);
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateDir.resolve(applicationId)).toString());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, Long> ends = ends(admin, topics);
            long[] start = {0};
            long started = System.nanoTime();
            try (KafkaStreams streams = new KafkaStreams(topology, props)) {
                streams.setStateListener((now, before) -> {
                    if (now == KafkaStreams.State.RUNNING && start[0] == 0) {
                        start[0] = System.nanoTime();
                    }
                });
                streams.start();
                long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(30);
                while (!caughtUp(admin, applicationId, ends)) {
                    if (System.currentTimeMillis() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                        throw new IllegalStateException(name + " did not catch up: " + streams.state());
                    }
                    Thread.sleep(100);
                }
                return (System.nanoTime() - (start[0] == 0 ? started : start[0])) / 1e9;
            }
        }
    }

    /**
     * Streams settings as the services' application.yml has them: exactly-once, no record cache, the
     * process's bounded RocksDB, and what a backlog may hold in memory (100 records per partition,
     * fetches of at most 8 MB; not a smaller fetch per partition: 256 KB cut provisioning's throughput
     * by ten).
     */
    static Properties asTheServices(String applicationId, String bootstrap, long commitIntervalMs) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, 100);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), 8_388_608);
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, io.datastores.kit.streams.BoundedRocksDb.class);
        return props;
    }

    static Map<TopicPartition, Long> ends(Admin admin, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (var d : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
            d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, o) -> ends.put(tp, o.offset()));
        return ends;
    }

    /** Records the topics hold, as of {@code ends}. */
    static long records(Admin admin, Map<TopicPartition, Long> ends) throws Exception {
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        ends.keySet().forEach(tp -> earliest.put(tp, OffsetSpec.earliest()));
        long n = 0;
        for (var e : admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS).entrySet()) {
            n += ends.get(e.getKey()) - e.getValue().offset();
        }
        return n;
    }

    private static boolean caughtUp(Admin admin, String group, Map<TopicPartition, Long> ends) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        for (var end : ends.entrySet()) {
            if (end.getValue() == 0) {
                continue;
            }
            OffsetAndMetadata c = committed.get(end.getKey());
            if (c == null || c.offset() < end.getValue()) {
                return false;
            }
        }
        return true;
    }
}
