package io.datastores.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

import io.datastores.contract.Topics;
import io.datastores.events.EventMetadata;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.NodeAlertEnvelope;
import io.datastores.events.NodeFailed;
import io.datastores.events.NodeHeartbeat;
import io.datastores.events.NodeTelemetryEnvelope;
import io.datastores.events.StandbyPromoted;
import io.datastores.failover.domain.FailoverDecider;
import io.datastores.failover.domain.FailoverPolicy;
import io.datastores.failover.domain.RegionGuardDecider;
import io.datastores.failover.topology.FailoverTopology;
import io.datastores.kit.kafka.PlatformBootstrap;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.serde.MockSchemaRegistry;

/**
 * Failover decision latency: from a {@code NodeFailed} for a Premium primary appended to
 * {@code dcp.node-alerts} (the broker acknowledged it) to the {@code StandbyPromoted} it causes
 * being readable on {@code dcp.failover-events} with {@code read_committed}, while a background load
 * of heartbeats flows. failover-service's topology runs in this JVM with {@code exactly_once_v2},
 * its production serde (against an in-memory registry) and the commit interval given.
 */
final class FailoverLatency {

    record Settings(int instances, int samples, int backgroundPerSecond, long commitIntervalMs, Duration warmUp) {
    }

    private final Settings settings;
    private final ContractSerdes serdes;
    private final String scope = "bench-" + UUID.randomUUID();

    FailoverLatency(Settings settings) {
        this.settings = settings;
        this.serdes = new ContractSerdes("mock://" + scope);
    }

    List<Result> run(String bootstrap, Path stateDir) throws Exception {
        PlatformBootstrap.prepare(bootstrap, serdes.registry(), Duration.ofSeconds(30));
        StreamsBuilder builder = new StreamsBuilder();
        FailoverTopology.build(builder, serdes, new FailoverDecider(FailoverPolicy.defaults()),
                new RegionGuardDecider(RegionGuardDecider.Guard.defaults()), Clock.systemUTC(), Duration.ofMillis(500));
        Properties props = StreamsRun.asTheServices("bench-failover-" + UUID.randomUUID(), bootstrap,
                settings.commitIntervalMs());
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateDir).toString());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "latest");
        Map<String, Fleet.Instance> fleet = new ConcurrentHashMap<>();
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props);
                KafkaProducer<String, Object> producer = producer(bootstrap);
                KafkaConsumer<String, byte[]> output = consumer(bootstrap)) {
            streams.start();
            long deadline = System.currentTimeMillis() + 60_000;
            while (streams.state() != KafkaStreams.State.RUNNING) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("failover topology not running: " + streams.state());
                }
                Thread.sleep(100);
            }
            for (int i = 0; i < settings.instances(); i++) {
                Fleet.Instance instance = Fleet.premium("bench-" + i);
                fleet.put(instance.id(), instance);
                Fleet.publishReady(producer, instance);
            }
            producer.flush();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong beats = new AtomicLong();
            Thread background = new Thread(() -> heartbeats(producer, fleet, running, beats), "background-load");
            background.start();
            Thread.sleep(settings.warmUp().toMillis());
            long beatsBefore = beats.get();
            long start = System.nanoTime();
            List<Double> latencies = new ArrayList<>();
            List<String> ids = new ArrayList<>(fleet.keySet());
            for (int i = 0; i < settings.samples() && i < ids.size(); i++) {
                Fleet.Instance instance = fleet.get(ids.get(i));
                latencies.add(oneFailover(producer, output, instance));
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double backgroundRate = (beats.get() - beatsBefore) / seconds;
            running.set(false);
            background.join();
            Percentiles p = new Percentiles(latencies);
            String conditions = String.format("%d samples, %d Premium instances, %.0f background events/s, "
                    + "commit.interval.ms=%d, exactly_once_v2", p.count(), settings.instances(), backgroundRate,
                    settings.commitIntervalMs());
            return List.of(
                    new Result("failover decision latency", "p50", p.at(50), "ms", 60.0, true, conditions),
                    new Result("failover decision latency", "p99", p.at(99), "ms", 200.0, true, conditions),
                    new Result("failover decision latency", "max", p.max(), "ms", null, true, conditions),
                    new Result("failover decision latency", "mean", p.mean(), "ms", null, true, conditions));
        } finally {
            MockSchemaRegistry.drop(scope);
        }
    }

    /** Fails the instance's primary; returns milliseconds from the append to the promotion readable. */
    private double oneFailover(KafkaProducer<String, Object> producer, KafkaConsumer<String, byte[]> output,
            Fleet.Instance instance) throws Exception {
        instance.failed = true;
        String primary = instance.nodes().get(0);
        producer.send(new ProducerRecord<>(Topics.NODE_ALERTS.name(), instance.id(), new NodeAlertEnvelope(
                meta(), new NodeFailed(instance.id(), primary, "benchmark", "PLATFORM", 1L)))).get(10, TimeUnit.SECONDS);
        long appended = System.nanoTime();
        long deadline = appended + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : output.poll(Duration.ofMillis(5))) {
                if (!instance.id().equals(r.key())) {
                    continue;
                }
                FailoverEventEnvelope e = serdes.value(Topics.FAILOVER_EVENTS).deserializer()
                        .deserialize(r.topic(), r.value());
                if (e.getPayload() instanceof StandbyPromoted promoted) {
                    double ms = (System.nanoTime() - appended) / 1e6;
                    instance.promote(primary, promoted.getNodeId(), promoted.getEpoch());
                    return ms;
                }
            }
        }
        throw new IllegalStateException("no StandbyPromoted for " + instance.id() + " within 30 s");
    }

    /** Heartbeats for every live node of the fleet, at the background rate. */
    private void heartbeats(KafkaProducer<String, Object> producer, Map<String, Fleet.Instance> fleet,
            AtomicBoolean running, AtomicLong beats) {
        List<Fleet.Instance> all = new ArrayList<>(fleet.values());
        int perTick = Math.max(1, settings.backgroundPerSecond() / 100);
        int cursor = 0;
        long next = System.nanoTime();
        while (running.get()) {
            for (int i = 0; i < perTick; i++) {
                Fleet.Instance instance = all.get(cursor++ % all.size());
                Fleet.Beat b = instance.nextBeat();
                producer.send(new ProducerRecord<>(Topics.NODE_TELEMETRY.name(), instance.id(),
                        new NodeTelemetryEnvelope(meta(), new NodeHeartbeat(instance.id(), b.nodeId(), b.role(),
                                b.position(), b.epoch()))));
                beats.incrementAndGet();
            }
            next += 10_000_000L;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static EventMetadata meta() {
        return Fleet.meta();
    }

    private KafkaProducer<String, Object> producer(String bootstrap) {
        return Fleet.producer(bootstrap, serdes, Map.of(ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.ACKS_CONFIG, "all"));
    }


    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.FAILOVER_EVENTS.name(), Duration.ofSeconds(30))
                .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }
}
