package io.datastores.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;

/**
 * Runs a topology under a fresh application id from the start of its inputs, with
 * {@code exactly_once_v2} and the services' settings, and times how long it takes to commit past
 * every record the given topics held when it started, and then to drain what that work fed its
 * other inputs (its repartition topics, topics it reads back): a service whose first stage only
 * re-keys is not done when its input is.
 */
final class StreamsRun {

    private StreamsRun() {
    }

    /**
     * Seconds from the topology's first being RUNNING (its tasks assigned; JVM warm-up and the first
     * rebalance are not the topology's speed) to committed past the end of {@code topics} as they
     * were at start, and past the end of every other topic the topology reads as it is then.
     */
    static double secondsToConsume(String bootstrap, Topology topology, String name, List<String> topics,
            Path stateDir) throws Exception {
        String applicationId = "bench-" + name + "-" + UUID.randomUUID();
        Properties props = asTheServices(applicationId, bootstrap, 100);
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateDir.resolve(applicationId)).toString());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        List<String> others = otherInputs(topology, applicationId, topics);
        try (Admin admin = Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
                KafkaConsumer<byte[], byte[]> peek = peek(bootstrap)) {
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
                long inputsDone = 0;
                while (true) {
                    if (inputsDone == 0 && caughtUp(admin, applicationId, ends)) {
                        inputsDone = System.nanoTime();
                    }
                    if (inputsDone != 0 && drained(admin, peek, applicationId, others)) {
                        break;
                    }
                    if (System.currentTimeMillis() > deadline
                            || streams.state() == KafkaStreams.State.ERROR) {
                        throw new IllegalStateException(name + " did not catch up: " + streams.state());
                    }
                    Thread.sleep(100);
                }
                long from = start[0] == 0 ? started : start[0];
                double seconds = (System.nanoTime() - from) / 1e9;
                if (!others.isEmpty()) {
                    System.out.printf(java.util.Locale.ROOT, "%s: inputs committed after %.1f s,"
                            + " its own stages drained after %.1f s%n", name,
                            Math.max(0, inputsDone - from) / 1e9, seconds);
                }
                return seconds;
            }
        }
    }

    /**
     * Streams settings as the services' application.yml has them: exactly-once, a record cache only where
     * a store enables it, the
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
        // failover-service's (8 MB); only a store that enables caching uses it: its heard parts' store,
        // no store of the other services
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 8_388_608);
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

    /**
     * The topics {@code topology} reads besides {@code measured}: its repartition topics (under
     * the application id) and the contract's topics it reads back.
     */
    static List<String> otherInputs(Topology topology, String applicationId,
            List<String> measured) {
        Set<String> sources = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Source source
                        && source.topicSet() != null) {
                    sources.addAll(source.topicSet());
                }
            }
        }
        sources.removeAll(measured);
        return sources.stream()
                .map(t -> t.endsWith("-repartition") ? applicationId + "-" + t : t).toList();
    }

    /**
     * Whether the group has committed past every record {@code topics} hold now. A commit may stop
     * one offset short, before the marker that closed the last transaction: that one offset is
     * looked at, and only once nothing else is left.
     */
    private static boolean drained(Admin admin, KafkaConsumer<byte[], byte[]> peek, String group,
            List<String> topics) throws Exception {
        if (topics.isEmpty()) {
            return true;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> lastOne = new HashMap<>();
        for (var end : ends(admin, topics).entrySet()) {
            OffsetAndMetadata c = committed.get(end.getKey());
            long from = c == null ? 0 : c.offset();
            if (end.getValue() - from > 1) {
                return false;
            }
            if (end.getValue() - from == 1) {
                lastOne.put(end.getKey(), from);
            }
        }
        for (var last : lastOne.entrySet()) {
            if (isRecord(peek, last.getKey(), last.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code offset}, the last of {@code partition}, holds a record for a read_committed
     * consumer (false when it is a transaction's marker).
     */
    private static boolean isRecord(KafkaConsumer<byte[], byte[]> peek, TopicPartition partition,
            long offset) {
        peek.assign(List.of(partition));
        peek.seek(partition, offset);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        while (System.nanoTime() < deadline) {
            if (!peek.poll(Duration.ofMillis(50)).isEmpty()) {
                return true;
            }
            if (peek.position(partition) > offset) {
                return false;
            }
        }
        return true; // not readable yet (its transaction is open): look again later
    }

    private static KafkaConsumer<byte[], byte[]> peek(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
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
