package io.datastores.bench;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;

import io.datastores.contract.TopicSpec;
import io.datastores.contract.Topics;
import io.datastores.events.Cloud;
import io.datastores.events.Engine;
import io.datastores.events.EventMetadata;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceRequestEnvelope;
import io.datastores.events.InstanceRequested;
import io.datastores.events.NodeHeartbeat;
import io.datastores.events.NodeTelemetryEnvelope;
import io.datastores.failover.domain.FailoverDecider;
import io.datastores.failover.domain.FailoverPolicy;
import io.datastores.failover.domain.RegionGuardDecider;
import io.datastores.failover.topology.FailoverTopology;
import io.datastores.kit.kafka.PlatformBootstrap;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.serde.MockSchemaRegistry;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.marketplace.topology.FleetViewTopology;
import io.datastores.marketplace.topology.HistoryTopology;
import io.datastores.marketplace.topology.MarketplaceTopology;
import io.datastores.provisioning.config.CatalogLoader;
import io.datastores.provisioning.domain.Tier;
import io.datastores.provisioning.topology.ProvisioningTopology;

/**
 * Throughput, each figure side by side with its baseline on the same broker, the same records and
 * the same serde:
 * <ul>
 * <li>a service's topology against an identity topology (decode, encode, write; {@code exactly_once_v2})
 * over its busiest input: failover-service over heartbeats, provisioning-service over requests;</li>
 * <li>marketplace-service's projections rebuilt from empty (a shadow, as {@code dcp rebuild
 * --blue-green} builds one) against a plain consumer decoding the same instance-event log.</li>
 * </ul>
 * From failover-service's rate it derives how many instances one process keeps up with at the
 * data plane's heartbeat cadence, and a cluster of as many processes as the telemetry topic has
 * partitions.
 */
final class Throughput {

    /**
     * {@code requests}: instance requests for provisioning, from {@code requests /
     * REQUESTS_PER_ORGANIZATION} organizations.
     */
    record Settings(int heartbeats, int requests, int projectionEvents) {
    }

    /** A node's heartbeat period (FailoverPolicy: "the data plane beats every 2 s"). */
    static final Duration HEARTBEAT_PERIOD = Duration.ofSeconds(2);
    /** Nodes per instance in the capacity figure: Premium's (primary and two standbys). */
    static final int NODES_PER_INSTANCE = Tier.PREMIUM.nodes();
    /**
     * Instances each organization requests: a handful, as organizations have; the organization
     * stage keeps an organization's names and instances in one record, so a few organizations with
     * thousands each would measure that record's size, not the service.
     */
    static final int REQUESTS_PER_ORGANIZATION = 10;

    /** One side-by-side run: records read, the service's and the baseline's rates. */
    record Rates(long records, double serviceRate, double baselineRate) {
        double ratio() {
            return serviceRate / baselineRate;
        }
    }

    private final Settings settings;
    private final String scope = "bench-throughput-" + UUID.randomUUID();
    private final ContractSerdes serdes = new ContractSerdes("mock://" + scope);

    Throughput(Settings settings) {
        this.settings = settings;
    }

    /**
     * {@code provisioningBootstrap}: a broker of provisioning's own, whose instance-event log
     * holds only what provisioning writes (the other runs' instances, all of one organization,
     * would be read back into the organization stage).
     */
    List<Result> run(String bootstrap, String provisioningBootstrap, Path work) throws Exception {
        List<Result> results = new ArrayList<>();
        try {
            PlatformBootstrap.prepare(bootstrap, serdes.registry(), Duration.ofSeconds(30));
            PlatformBootstrap.prepare(provisioningBootstrap, serdes.registry(),
                    Duration.ofSeconds(30));
            if (settings.heartbeats() > 0) {
                results.addAll(failover(bootstrap, work));
            }
            if (settings.requests() > 0) { // none: failover's figures alone (./bench --only failover)
                results.add(provisioning(provisioningBootstrap, work));
            }
            if (settings.projectionEvents() > 0) {
                results.add(projections(bootstrap, work));
            }
        } finally {
            MockSchemaRegistry.drop(scope);
        }
        return results;
    }

    private List<Result> failover(String bootstrap, Path work) throws Exception {
        int instances = 1_000;
        List<Fleet.Instance> fleet = new ArrayList<>();
        try (KafkaProducer<String, Object> producer = producer(bootstrap)) {
            for (int i = 0; i < instances; i++) {
                Fleet.Instance instance = Fleet.premium("tp-" + i);
                fleet.add(instance);
                Fleet.publishReady(producer, instance);
            }
            for (int i = 0; i < settings.heartbeats(); i++) {
                Fleet.Instance instance = fleet.get(i % instances);
                Fleet.Beat b = instance.nextBeat();
                producer.send(new ProducerRecord<>(Topics.NODE_TELEMETRY.name(), instance.id(),
                        new NodeTelemetryEnvelope(meta(), new NodeHeartbeat(instance.id(), b.nodeId(), b.role(),
                                b.position(), b.epoch()))));
            }
        }
        StreamsBuilder service = new StreamsBuilder();
        FailoverTopology.build(service, serdes, new FailoverDecider(FailoverPolicy.defaults()),
                new RegionGuardDecider(RegionGuardDecider.Guard.defaults()), Clock.systemUTC(), Duration.ofMillis(500));
        String load = instances + " Premium instances, " + settings.heartbeats() + " heartbeats";
        Rates rates = rates(bootstrap, work, "failover-service", Topics.NODE_TELEMETRY,
                service.build(),
                List.of(Topics.NODE_TELEMETRY.name(), Topics.INSTANCE_EVENTS.name()));
        return List.of(ratio("failover-service", Topics.NODE_TELEMETRY, rates, load),
                capacity(rates.serviceRate()));
    }

    /**
     * Instances one failover-service process keeps up with: its heartbeats per second times the
     * heartbeat period, over the nodes each instance has.
     */
    static double instancesKeptUpWith(double heartbeatsPerSecond) {
        return heartbeatsPerSecond * HEARTBEAT_PERIOD.toMillis() / 1000.0 / NODES_PER_INSTANCE;
    }

    private static Result capacity(double heartbeatsPerSecond) {
        double perProcess = instancesKeptUpWith(heartbeatsPerSecond);
        int partitions = Topics.NODE_TELEMETRY.partitions();
        String conditions = String.format(Locale.ROOT, "instances one process (one stream thread)"
                + " keeps up with: %.0f heartbeats/s x %d s between a node's heartbeats / %d nodes"
                + " per instance (Premium; 1 for Hobbyist and Startup, 2 for Business); %s has %d"
                + " partitions, so at most %d processes share the work, and a cluster of them"
                + " keeps up with about %,.0f instances", heartbeatsPerSecond,
                HEARTBEAT_PERIOD.toSeconds(), NODES_PER_INSTANCE, Topics.NODE_TELEMETRY.name(),
                partitions, partitions, partitions * perProcess);
        return new Result("failover-service capacity", "instances", perProcess, "inst", null,
                false, conditions);
    }

    private Result provisioning(String bootstrap, Path work) throws Exception {
        int organizations = Math.max(1, settings.requests() / REQUESTS_PER_ORGANIZATION);
        try (KafkaProducer<String, Object> producer = producer(bootstrap)) {
            for (int i = 0; i < settings.requests(); i++) {
                // distinct request, instance and display names; free-tier organizations may run
                // Hobbyist trials, as many as they like
                String id = "req-" + i;
                producer.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), id,
                        new InstanceRequestEnvelope(meta(), InstanceRequested.newBuilder()
                                .setRequestId("r-" + id)
                                .setOrganizationId("org-" + i % organizations)
                                .setInstanceId(id).setDisplayName("db " + id)
                                .setEngine(Engine.POSTGRESQL).setCloud(Cloud.AWS)
                                .setRegion("us-east-1").setPlan("HOBBYIST").build())));
            }
        }
        Map<String, Long> before = outcomes(bootstrap);
        StreamsBuilder service = new StreamsBuilder();
        ProvisioningTopology.build(service, serdes,
                CatalogLoader.read(CatalogLoader.class.getResourceAsStream("/catalog.json")),
                Clock.systemUTC(), Duration.ofMillis(500));
        Rates rates = rates(bootstrap, work, "provisioning-service", Topics.INSTANCE_REQUESTS,
                service.build(), List.of(Topics.INSTANCE_REQUESTS.name()));
        Map<String, Long> after = outcomes(bootstrap);
        long accepted = after.getOrDefault("InstanceAccepted", 0L)
                - before.getOrDefault("InstanceAccepted", 0L);
        long rejected = after.getOrDefault("InstanceRejected", 0L)
                - before.getOrDefault("InstanceRejected", 0L);
        if (accepted < settings.requests() * 9L / 10) {
            throw new IllegalStateException("provisioning accepted " + accepted + " of "
                    + settings.requests() + " requests (" + rejected + " rejected): the run would"
                    + " measure refusals");
        }
        return ratio("provisioning-service", Topics.INSTANCE_REQUESTS, rates, String.format(
                Locale.ROOT, "%d instance requests (HOBBYIST, free tier) from %d organizations, %d"
                        + " accepted, %d rejected", settings.requests(), organizations, accepted,
                rejected) + "; a broker of its own");
    }

    /** How many events of each payload type dcp.instance-events holds. */
    private Map<String, Long> outcomes(String bootstrap) {
        var deserializer = serdes.value(Topics.INSTANCE_EVENTS).deserializer();
        Map<String, Long> counts = new java.util.TreeMap<>();
        readAll(bootstrap, Topics.INSTANCE_EVENTS, r -> {
            InstanceEventEnvelope e = deserializer.deserialize(r.topic(), r.value());
            if (e != null) {
                counts.merge(e.getPayload().getClass().getSimpleName(), 1L, Long::sum);
            }
        });
        return counts;
    }

    private static Result ratio(String name, TopicSpec<?> input, Rates rates, String load) {
        return new Result(name + " throughput", "vs identity topology", rates.ratio(), "ratio",
                0.6, false, String.format("%s; %.0f events/s against %.0f events/s (identity: %s,"
                        + " same serde, exactly_once_v2)", load, rates.serviceRate(),
                        rates.baselineRate(), input.name()));
    }

    /**
     * The service's rate over its busiest input, and the identity topology's over the same
     * records.
     */
    private Rates rates(String bootstrap, Path work, String name, TopicSpec<?> input,
            Topology topology, List<String> measured) throws Exception {
        String identityOut = "bench.identity." + name;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(identityOut, input.partitions(), (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
        }
        Topology identity = identity(input, identityOut);
        long records = records(bootstrap, List.of(input.name()));
        double identitySeconds = StreamsRun.secondsToConsume(bootstrap, identity, name + "-identity",
                List.of(input.name()), work);
        double serviceSeconds = StreamsRun.secondsToConsume(bootstrap, topology, name, measured, work);
        System.out.printf(Locale.ROOT, "%s: %d records, identity %.1f s, service %.1f s%n", name,
                records, identitySeconds, serviceSeconds);
        return new Rates(records, records / serviceSeconds, records / identitySeconds);
    }

    /** Decodes each record of {@code input} with the contract's serde and writes it, encoded again, to {@code out}. */
    private <T extends org.apache.avro.specific.SpecificRecord> Topology identity(TopicSpec<T> input, String out) {
        StreamsBuilder identity = new StreamsBuilder();
        var serde = serdes.value(input);
        identity.stream(input.name(), Consumed.with(Serdes.String(), serde)).to(out, Produced.with(Serdes.String(), serde));
        return identity.build();
    }

    private Result projections(String bootstrap, Path work) throws Exception {
        int instances = settings.projectionEvents() / 2;
        try (KafkaProducer<String, Object> producer = producer(bootstrap)) {
            for (int i = 0; i < instances; i++) {
                Fleet.publishReady(producer, Fleet.premium("pj-" + i));
            }
        }
        long records = records(bootstrap, List.of(Topics.INSTANCE_EVENTS.name()));
        double plainSeconds = plainConsumer(bootstrap, Topics.INSTANCE_EVENTS);
        StreamsBuilder builder = new StreamsBuilder();
        String service = FleetViewTopology.SERVICE;
        KStream<String, InstanceEventEnvelope> instanceEvents = DeadLetters.decode(builder, Topics.INSTANCE_EVENTS,
                serdes, service);
        KStream<String, FailoverEventEnvelope> failoverEvents = DeadLetters.decode(builder, Topics.FAILOVER_EVENTS,
                serdes, service);
        FleetViewTopology.build(builder, serdes, instanceEvents, failoverEvents, false);
        var decided = MarketplaceTopology.build(builder, serdes, instanceEvents, DeadLetters.decode(builder,
                Topics.DATA_PLANE_EVENTS, serdes, service), java.time.Clock.systemUTC(), Duration.ofSeconds(1),
                Duration.ofSeconds(60), false);
        HistoryTopology.build(builder, instanceEvents, failoverEvents,
                DeadLetters.decode(builder, Topics.BACKUP_EVENTS, serdes, service), decided);
        double rebuildSeconds = StreamsRun.secondsToConsume(bootstrap, builder.build(), "marketplace-rebuild",
                List.of(Topics.INSTANCE_EVENTS.name()), work);
        // the ceiling of any topology here: decode and write each record again, exactly once
        String identityOut = "bench.identity.rebuild";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(identityOut, Topics.INSTANCE_EVENTS.partitions(),
                    (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        double identitySeconds = StreamsRun.secondsToConsume(bootstrap,
                identity(Topics.INSTANCE_EVENTS, identityOut), "rebuild-identity",
                List.of(Topics.INSTANCE_EVENTS.name()), work);
        double plainRate = records / plainSeconds;
        double rebuildRate = records / rebuildSeconds;
        double identityRate = records / identitySeconds;
        return new Result("projection rebuild (marketplace-service)", "vs plain consumer", rebuildRate / plainRate,
                "ratio", 0.5, false, String.format(Locale.ROOT, "%d instance events; rebuild %.0f events/s"
                        + " (fleet view, listings, history; a shadow, exactly_once_v2) against a plain consumer"
                        + " decoding at %.0f events/s; an identity topology over the same log (decode, encode,"
                        + " write, exactly_once_v2) runs at %.0f events/s, %.2f of the plain consumer, and the"
                        + " rebuild at %.2f of it", records, rebuildRate, plainRate, identityRate,
                        identityRate / plainRate, rebuildRate / identityRate));
    }

    /** Seconds for a plain consumer to read and decode every record of {@code topic}. */
    private double plainConsumer(String bootstrap, TopicSpec<?> topic) {
        var deserializer = serdes.value(topic).deserializer();
        long[] decoded = {0};
        double seconds = readAll(bootstrap, topic, r -> {
            if (deserializer.deserialize(r.topic(), r.value()) != null) {
                decoded[0]++;
            }
        });
        if (decoded[0] == 0) {
            throw new IllegalStateException("nothing decoded on " + topic.name());
        }
        return seconds;
    }

    /**
     * Hands every record {@code topic} holds now to {@code each}, read_committed; returns the
     * seconds from assignment to the end.
     */
    private static double readAll(String bootstrap, TopicSpec<?> topic,
            java.util.function.Consumer<ConsumerRecord<String, byte[]>> each) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(),
                    Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            long start = System.nanoTime();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(100)).forEach(each);
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private static long records(String bootstrap, List<String> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return StreamsRun.records(admin, StreamsRun.ends(admin, topics));
        }
    }

    private static EventMetadata meta() {
        return Fleet.meta();
    }

    private KafkaProducer<String, Object> producer(String bootstrap) {
        return Fleet.producer(bootstrap, serdes, Map.of(ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 262_144));
    }

}
