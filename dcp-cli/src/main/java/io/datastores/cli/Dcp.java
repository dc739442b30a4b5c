package io.datastores.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.datastores.contract.TopicSpec;
import io.datastores.contract.Topics;
import io.datastores.kit.json.JsonSerde;
import io.datastores.kit.kafka.PlatformBootstrap;
import io.datastores.kit.serde.AvroDeserializer;
import io.datastores.kit.serde.AvroSerializer;
import io.datastores.kit.serde.SchemaRegistries;
import io.datastores.kit.serde.UndecodableRecordException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dcp}: publish events to and tail events from the control plane's topics. */
@Command(name = "dcp", mixinStandardHelpOptions = true, subcommands = {Dcp.Publish.class, Dcp.Tail.class,
        Dcp.TopicList.class, Dcp.Prepare.class, Dcp.Token.class, Operate.Dlq.class, Operate.Replay.class,
        Rebuild.AppReset.class, Rebuild.HandOver.class, Rebuild.AppCleanup.class, Rebuild.CompareState.class}, description = "Publish and read the control plane's events.")
public final class Dcp {

    /** Where the stack is: flags, else DCP_BOOTSTRAP / DCP_REGISTRY, else the dev stack's ports. */
    static class Connection {
        @Option(names = "--bootstrap", description = "Kafka bootstrap servers (env DCP_BOOTSTRAP)")
        String bootstrap = env("DCP_BOOTSTRAP", "127.0.0.1:9092");

        @Option(names = "--registry", description = "schema registry Confluent API URL (env DCP_REGISTRY)")
        String registry = env("DCP_REGISTRY", "http://127.0.0.1:8081/apis/ccompat/v7");

        private static String env(String name, String fallback) {
            String v = System.getenv(name);
            return v == null || v.isBlank() ? fallback : v;
        }
    }

    static TopicSpec<?> topic(String name) {
        return Topics.byName(name).orElseThrow(() -> new CommandLine.ParameterException(new CommandLine(new Dcp()),
                "unknown topic '" + name + "'; topics: " + Topics.ALL.stream().map(TopicSpec::name).toList()));
    }

    @Command(name = "publish", description = "Validate the events of FILE against TOPIC's schema and send them "
            + "in the Confluent wire format. Nothing is sent if any event is invalid.")
    static final class Publish implements Callable<Integer> {
        @CommandLine.Mixin
        Connection connection = new Connection();

        @Parameters(index = "0", description = "topic, e.g. dcp.instance-requests")
        String topicName;

        @Parameters(index = "1", description = "JSON file of {\"type\": ..., \"event\": {...}} objects")
        Path file;

        @Option(names = "--dry-run", description = "validate only")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            TopicSpec<?> topic = topic(topicName);
            List<EventFile.Outgoing> events;
            try {
                events = EventFile.read(file, topic);
            } catch (PlainJson.InvalidEvent e) {
                System.err.println("invalid event " + e.getMessage());
                return 2;
            }
            if (dryRun) {
                System.out.println(events.size() + " valid event(s) for " + topic.name() + "; nothing sent (dry run)");
                return 0;
            }
            AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(SchemaRegistries.forUrl(connection.registry));
            serializer.configure(Map.of(), false);
            try (KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.bootstrap,
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000), new StringSerializer(), serializer)) {
                for (EventFile.Outgoing e : events) {
                    var meta = producer.send(new ProducerRecord<>(topic.name(), e.key(), e.envelope()))
                            .get(30, TimeUnit.SECONDS);
                    System.out.println("sent " + ((GenericRecord) e.envelope().get("payload")).getSchema().getName()
                            + " key=" + e.key() + " to " + meta.topic() + "-" + meta.partition() + "@" + meta.offset());
                }
            }
            return 0;
        }
    }

    @Command(name = "tail", description = "Print TOPIC's events as JSON lines, oldest first (read_committed). "
            + "Dead-letter topics (<topic>.dlq) print their cause headers and the raw value in base64.")
    static final class Tail implements Callable<Integer> {
        @CommandLine.Mixin
        Connection connection = new Connection();

        @Parameters(index = "0", description = "topic, e.g. dcp.instance-events or dcp.instance-requests.dlq")
        String topicName;

        @Option(names = {"-f", "--follow"}, description = "keep waiting for new events")
        boolean follow;

        @Option(names = "--max", description = "stop after this many records")
        long max = Long.MAX_VALUE;

        @Option(names = "--instance", description = "only events of this instance (the record key)")
        String instance;

        @Option(names = "--org", description = "only events whose payload names this organization")
        String organization;

        @Option(names = "--type", split = ",", description = "only these event types, e.g. FailoverStarted,NodeFailed")
        List<String> types;

        @Option(names = "--from", description = "ISO-8601 instant: only records from this time")
        java.time.Instant from;

        @Option(names = "--to", description = "ISO-8601 instant: only records before this time")
        java.time.Instant to;

        /** Whether a printed line passes the filters (the line's JSON carries type and event). */
        boolean wanted(ConsumerRecord<String, byte[]> r, ObjectNode line) {
            if (instance != null && !instance.equals(r.key())) {
                return false;
            }
            if (to != null && r.timestamp() >= to.toEpochMilli()) {
                return false;
            }
            if (types != null && !types.contains(line.path("type").asText())) {
                return false;
            }
            return organization == null || organization.equals(line.path("event").path("organizationId").asText(null));
        }

        @Override
        public Integer call() {
            boolean dlq = topicName.endsWith(TopicSpec.DLQ_SUFFIX);
            if (!dlq) {
                topic(topicName);
            }
            AvroDeserializer<GenericRecord> decoder = new AvroDeserializer<>(null,
                    SchemaRegistries.forUrl(connection.registry));
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                List<PartitionInfo> infos = consumer.partitionsFor(topicName, Duration.ofSeconds(15));
                if (infos == null || infos.isEmpty()) {
                    System.err.println("no topic " + topicName);
                    return 2;
                }
                List<TopicPartition> partitions = new ArrayList<>();
                infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                consumer.assign(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                if (from != null) {
                    Map<TopicPartition, Long> times = new HashMap<>();
                    partitions.forEach(p -> times.put(p, from.toEpochMilli()));
                    var start = consumer.offsetsForTimes(times);
                    partitions.forEach(p -> consumer.seek(p, start.get(p) == null ? end.get(p) : start.get(p).offset()));
                } else {
                    consumer.seekToBeginning(partitions);
                }
                long printed = 0;
                while (printed < max) {
                    var records = consumer.poll(Duration.ofMillis(500));
                    for (ConsumerRecord<String, byte[]> r : records) {
                        ObjectNode line = dlq ? deadLetter(r) : event(r, decoder);
                        if (!wanted(r, line)) {
                            continue;
                        }
                        System.out.println(line);
                        if (++printed >= max) {
                            break;
                        }
                    }
                    if (!follow && records.isEmpty() && caughtUp(consumer, end)) {
                        break;
                    }
                }
            }
            return 0;
        }

        private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
            return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
        }

        private static ObjectNode event(ConsumerRecord<String, byte[]> r, AvroDeserializer<GenericRecord> decoder) {
            ObjectNode line = header(r);
            try {
                GenericRecord envelope = decoder.deserialize(r.topic(), r.value());
                GenericRecord payload = (GenericRecord) envelope.get("payload");
                line.put("type", payload.getSchema().getName());
                line.set("metadata", PlainJson.fromAvro(envelope.get("metadata"),
                        envelope.getSchema().getField("metadata").schema()));
                line.set("event", PlainJson.fromAvro(payload, payload.getSchema()));
            } catch (UndecodableRecordException e) {
                line.put("undecodable", e.getMessage());
            }
            return line;
        }

        private static ObjectNode deadLetter(ConsumerRecord<String, byte[]> r) {
            ObjectNode line = header(r);
            Map<String, String> headers = new HashMap<>();
            for (Header h : r.headers()) {
                headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
            }
            line.set("headers", JsonSerde.MAPPER.valueToTree(headers));
            line.put("valueBase64", r.value() == null ? "" : Base64.getEncoder().encodeToString(r.value()));
            return line;
        }

        private static ObjectNode header(ConsumerRecord<String, byte[]> r) {
            ObjectNode line = JsonSerde.MAPPER.createObjectNode();
            line.put("topic", r.topic()).put("partition", r.partition()).put("offset", r.offset()).put("key", r.key());
            return line;
        }
    }

    @Command(name = "topics", description = "List the topic catalogue: name, key, events, partitions, writer.")
    static final class TopicList implements Callable<Integer> {
        @Override
        public Integer call() {
            for (TopicSpec<?> t : Topics.ALL) {
                System.out.printf("%-24s key=%s partitions=%d cleanup=%s writer=%s%n    events: %s%n", t.name(),
                        t.key(), t.partitions(), t.cleanupPolicy(), t.writer(), String.join(", ", t.eventTypes()));
            }
            return 0;
        }
    }

    @Command(name = "prepare", description = "Create the catalogue's topics and register its schemas, as every"
            + " service does when it starts: ./dcp up runs it once before starting them together, so that they"
            + " find the registry ready instead of queueing for its write lock.")
    static final class Prepare implements Callable<Integer> {
        @CommandLine.Mixin
        Connection connection = new Connection();

        @Option(names = "--registry-wait", description = "how long to wait for the registry (default PT60S)")
        Duration registryWait = Duration.ofSeconds(60);

        @Override
        public Integer call() {
            long started = System.nanoTime();
            PlatformBootstrap.prepare(connection.bootstrap, SchemaRegistries.forUrl(connection.registry), registryWait);
            System.out.printf("topics and schemas ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
            return 0;
        }
    }

    @Command(name = "token", description = "Print a bearer token for the services' HTTP APIs: a JWT (HS256)"
            + " signed with the stack's secret (DCP_AUTH_SECRET_FILE, default .stack/auth.secret), with the"
            + " claims sub, roles, org, aud (dcp), iss and exp.")
    static final class Token implements Callable<Integer> {
        @Option(names = "--role", description = "viewer, platform or operator (comma-separated for several)",
                defaultValue = "viewer")
        String roles;

        @Option(names = "--org", description = "the organization the token is scoped to (all roles but operator)")
        String organization;

        @Option(names = "--subject", description = "who the token is for", defaultValue = "dcp-cli")
        String subject;

        @Option(names = "--ttl-hours", description = "hours until it expires", defaultValue = "24")
        long hours;

        @Option(names = "--secret-file", description = "the token secret's file")
        String secretFile = System.getenv().getOrDefault("DCP_AUTH_SECRET_FILE", ".stack/auth.secret");

        @Override
        public Integer call() throws Exception {
            java.util.Set<io.datastores.kit.auth.Role> set;
            try {
                set = io.datastores.kit.auth.Role.parse(roles);
            } catch (IllegalArgumentException e) {
                System.err.println("dcp token: --role must be viewer, platform or operator, not '" + roles + "'");
                return 2;
            }
            if (set.isEmpty()) {
                System.err.println("dcp token: --role names no role");
                return 2;
            }
            if (organization == null && !set.contains(io.datastores.kit.auth.Role.OPERATOR)) {
                System.err.println("dcp token: --org is required unless the role is operator");
                return 2;
            }
            java.nio.file.Path file = java.nio.file.Path.of(secretFile);
            if (!java.nio.file.Files.exists(file)) {
                System.err.println("dcp token: no secret at " + file + " (./dcp up writes it)");
                return 2;
            }
            io.datastores.kit.auth.TokenIssuer issuer;
            try {
                issuer = io.datastores.kit.auth.TokenIssuer.fromFile(file);
            } catch (IllegalArgumentException e) {
                System.err.println("dcp token: " + file + ": " + e.getMessage());
                return 2;
            }
            System.out.println(issuer.issue(subject, set, organization,
                    java.time.Instant.now().plus(java.time.Duration.ofHours(hours))));
            return 0;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Dcp()).execute(args));
    }
}
