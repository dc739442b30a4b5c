package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import io.datastores.contract.TopicSpec;
import io.datastores.contract.Topics;
import io.datastores.events.AllowlistChangeRequested;
import io.datastores.events.Engine;
import io.datastores.events.InstanceDeletionRequested;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceReady;
import io.datastores.events.InstanceRejected;
import io.datastores.events.InstanceRequestEnvelope;
import io.datastores.events.InstanceRequested;
import io.datastores.events.PlanChangeRequested;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.serde.RestSchemaRegistry;
import io.datastores.kit.serde.WireFormat;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.testkit.KafkaBrokerExtension;
import io.datastores.testkit.SchemaRegistryExtension;

/**
 * Hostile input: {@code hostile.records} (10,000 by default; the {@code full} profile sends 100,000)
 * malformed or hostile records across every input topic from outside the platform, with valid
 * requests interleaved. Every record must be dead-lettered with its cause by every service that reads
 * the topic, or rejected with a reason; every valid request must still be served; no service may
 * crash or leave a partition unread. The HTTP APIs get bad JSON, oversized bodies, and missing,
 * expired, forged, unsigned and wrong-audience tokens: a 4xx with a message each time, never a 5xx.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT {

    private static final String ORG = "org-hostile";
    private static final String OTHER_ORG = "org-victim";
    private static final int RECORDS = Integer.getInteger("hostile.records", 10_000);
    private static final Set<String> SERVICES = Set.of("provisioning-service", "failover-service", "backup-service",
            "marketplace-service");

    /** The input topics written from outside the platform, and which services read each. */
    private static final Map<TopicSpec<?>, Set<String>> INPUTS = Map.of(
            Topics.INSTANCE_REQUESTS, Set.of("provisioning-service"),
            Topics.BILLING_EVENTS, Set.of("provisioning-service"),
            Topics.DATA_PLANE_EVENTS, Set.of("provisioning-service", "failover-service", "backup-service"),
            Topics.NODE_TELEMETRY, Set.of("failover-service"),
            Topics.NODE_ALERTS, Set.of("failover-service"),
            Topics.FAILOVER_COMMANDS, Set.of("failover-service"),
            Topics.BACKUP_COMMANDS, Set.of("backup-service"),
            Topics.MARKETPLACE_COMMANDS, Set.of("marketplace-service"));

    private ControlPlane plane;
    private Platform operator;
    private ContractSerdes serdes;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("hostile");
        serdes = new ContractSerdes(SchemaRegistryExtension.url());
        // telemetry of instances never accepted is dropped after 5 s here (10 min by default)
        plane = new ControlPlane(KafkaBrokerExtension.bootstrapServers(), SchemaRegistryExtension.url(), dir,
                Map.of("dcp.failover.unknown-instance-grace", "5s")).start();
        operator = new Platform(KafkaBrokerExtension.bootstrapServers(), serdes);
        operator.pays(ORG, plane); // so that its requests fail on what is wrong with them, not on its tier
    }

    @AfterAll
    void stop() {
        if (plane != null) {
            plane.close();
        }
    }

    /** What each hostile record was, and what must become of it. */
    private final Map<String, Set<String>> undecodableKeysByTopic = new HashMap<>();
    private final Map<String, String> rejectionExpectedByRequestId = new HashMap<>();
    private final List<String> validInstances = new ArrayList<>();
    /** Telemetry and alerts about instances that do not exist: instance id to node id. */
    private final Map<String, String> ghosts = new HashMap<>();

    @Test
    @DisplayName("hostile records on every input topic are dead-lettered or rejected; valid ones interleaved are served")
    void hostileRecordsNeverCrashNorHideAndValidOnesGoThrough() throws Exception {
        Random random = new Random(42);
        List<TopicSpec<?>> topics = new ArrayList<>(INPUTS.keySet());
        topics.sort((a, b) -> a.name().compareTo(b.name()));
        Map<String, byte[]> valid = validSamples();
        int unknownEnumId = registerUnknownEnumVariant();
        byte[] unknownEnum = unknownEnumRecord(unknownEnumId);
        try (var raw = new KafkaProducer<String, byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBrokerExtension.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new ByteArraySerializer());
                var requests = operator.requests()) {
            // an instance of another organization, which hostile requests will try to change
            String victim = "victim-" + run;
            requests.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), victim,
                    Platform.request(OTHER_ORG, victim, "HOBBYIST", Engine.POSTGRESQL))).get(30, TimeUnit.SECONDS);
            int sent = 0;
            for (int i = 0; sent < RECORDS; i++) {
                if (i % 50 == 0) {
                    String id = "ok-" + run + "-" + validInstances.size();
                    validInstances.add(id);
                    InstanceRequestEnvelope ok = Platform.request(ORG, id, "HOBBYIST", Engine.POSTGRESQL);
                    requests.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), id, ok));
                    requests.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), id, ok)); // a duplicate
                }
                TopicSpec<?> topic = topics.get(i % topics.size());
                String key = "hostile-" + run + "-" + i;
                int kind = (i / topics.size()) % 6;
                byte[] value;
                switch (kind) {
                    case 0: // random bytes, never in the wire format
                        value = new byte[1 + random.nextInt(600)];
                        random.nextBytes(value);
                        value[0] = (byte) (1 + random.nextInt(200));
                        break;
                    case 1: // the wire format with a schema id no registry has
                        value = WireFormat.frame(900_000 + random.nextInt(90_000), randomBytes(random, 40));
                        break;
                    case 2: // a valid record of another topic's contract
                        value = valid.get(topics.get((i + 1) % topics.size()).name());
                        break;
                    case 3: { // a valid record cut short
                        byte[] whole = valid.get(topic.name());
                        value = java.util.Arrays.copyOf(whole, 5 + random.nextInt(Math.max(1, whole.length / 2)));
                        break;
                    }
                    case 4: // an empty value
                        value = new byte[0];
                        break;
                    default: // a registered schema with an enum symbol the contract does not know
                        value = unknownEnum;
                        break;
                }
                raw.send(new ProducerRecord<>(topic.name(), key, value));
                undecodableKeysByTopic.computeIfAbsent(topic.name(), t -> new HashSet<>()).add(key);
                sent++;
                if (sent < RECORDS && i % 10 == 9) { // schema-valid nonsense: rejected with a reason
                    sendNonsense(requests, random, victim, sent);
                    sent++;
                }
                if (sent < RECORDS && i % 20 == 19) { // a heartbeat or an alert for an instance that does not exist
                    sendGhost(raw, sent);
                    sent++;
                }
            }
            // alone and well keyed, the unknown cloud reads as UNKNOWN (the contract's default) and is refused
            raw.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), "ibm-" + run, unknownEnum));
            rejectionExpectedByRequestId.put("req-ibm-" + run, "UNKNOWN_CLOUD");
            raw.flush();
            requests.flush();
        }

        // every undecodable record is dead-lettered by every service that reads its topic, with its cause
        for (var input : INPUTS.entrySet()) {
            String topic = input.getKey().name();
            Set<String> keys = undecodableKeysByTopic.getOrDefault(topic, Set.of());
            try (TopicReader dlq = new TopicReader(KafkaBrokerExtension.bootstrapServers(), topic + ".dlq")) {
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    Map<String, Set<String>> byService = new TreeMap<>();
                    for (ConsumerRecord<String, byte[]> r : dlq.poll()) {
                        if (r.key() != null && keys.contains(r.key())) {
                            assertThat(r.headers().lastHeader(DeadLetters.CAUSE)).as("cause of " + r.key()).isNotNull();
                            byService.computeIfAbsent(header(r, DeadLetters.SERVICE), s -> new HashSet<>()).add(r.key());
                        }
                    }
                    for (String service : input.getValue()) {
                        assertThat(byService.getOrDefault(service, Set.of())).as(service + " on " + topic)
                                .hasSameSizeAs(keys);
                    }
                });
            }
        }

        // schema-valid nonsense is rejected with a reason; every valid request is served, and only once
        try (TopicReader events = new TopicReader(KafkaBrokerExtension.bootstrapServers(),
                Topics.INSTANCE_EVENTS.name())) {
            var deserializer = serdes.value(Topics.INSTANCE_EVENTS).deserializer();
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Map<String, String> rejected = new HashMap<>();
                Set<String> ready = new HashSet<>();
                Map<String, Integer> accepted = new HashMap<>();
                for (ConsumerRecord<String, byte[]> r : events.poll()) {
                    InstanceEventEnvelope e = deserializer.deserialize(r.topic(), r.value());
                    if (e.getPayload() instanceof InstanceRejected x) {
                        rejected.put(x.getRequestId(), x.getCode() + ": " + x.getMessage());
                    } else if (e.getPayload() instanceof InstanceReady x) {
                        ready.add(x.getInstanceId());
                    } else if (e.getPayload() instanceof io.datastores.events.InstanceAccepted x) {
                        accepted.merge(x.getInstanceId(), 1, Integer::sum);
                    }
                }
                for (var expected : rejectionExpectedByRequestId.entrySet()) {
                    assertThat(rejected.get(expected.getKey())).as("rejection of " + expected.getKey())
                            .isNotNull().startsWith(expected.getValue());
                }
                assertThat(ready).containsAll(validInstances);
                validInstances.forEach(id -> assertThat(accepted.get(id)).as("accepted once: " + id).isEqualTo(1));
            });
        }

        // telemetry and alerts about instances that do not exist are dropped with the reason
        try (TopicReader events = new TopicReader(KafkaBrokerExtension.bootstrapServers(),
                Topics.FAILOVER_EVENTS.name())) {
            var deserializer = serdes.value(Topics.FAILOVER_EVENTS).deserializer();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Map<String, String> ignored = new HashMap<>();
                for (ConsumerRecord<String, byte[]> r : events.poll()) {
                    if (ghosts.containsKey(r.key()) && deserializer.deserialize(r.topic(), r.value()).getPayload()
                            instanceof io.datastores.events.StaleSignalIgnored x) {
                        ignored.put(x.getInstanceId(), x.getNodeId() + ": " + x.getReason());
                    }
                }
                assertThat(ignored.keySet()).containsExactlyInAnyOrderElementsOf(ghosts.keySet());
                assertThat(ignored.values()).allSatisfy(reason -> assertThat(reason).contains("unknown"));
            });
        }

        // nobody crashed, nothing is stuck: every service is healthy and has read every input to its end
        for (String service : SERVICES) {
            assertThat(operator.get(plane.url(service, "/health")).statusCode()).as(service).isEqualTo(200);
        }
        // failover-service keeps writing its marks of heard time into its own input, so the end moves on:
        // every service must read past where each input ended now, not catch a moment with nothing new
        String bootstrap = KafkaBrokerExtension.bootstrapServers();
        Map<String, Map<TopicPartition, Long>> endsNow = ReadPastEnds.ends(bootstrap, SERVICES);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                ReadPastEnds.unreadBefore(bootstrap, endsNow)).as("unread records").isEmpty());
    }

    @Test
    @DisplayName("the HTTP APIs answer bad JSON, oversized bodies and bad tokens with a 4xx and a message")
    void hostileHttpGetsA4xxWithAMessage() throws Exception {
        String credentials = plane.url("marketplace-service", "/instances/no-such-instance/credentials");
        String huge = "{\"kind\":\"CREATED\",\"displayName\":\"" + "x".repeat(12 * 1024 * 1024) + "\"}";
        List<String> bodies = List.of("{", "not json", "[]", "{\"kind\":\"NOPE\"}", "{\"kind\":null}",
                "{\"kind\":\"CREATED\",\"displayName\":" + "[".repeat(5000) + "}", huge);
        for (String body : bodies) {
            var response = operator.post(credentials, body);
            assertThat(response.statusCode()).as(body.substring(0, Math.min(body.length(), 40)))
                    .isBetween(400, 499);
            assertThat(response.body()).isNotBlank();
        }
        List<String> urls = List.of(plane.url("marketplace-service", "/marketplace"),
                plane.url("provisioning-service", "/instances/x"), plane.url("failover-service", "/regions/AWS:x"),
                plane.url("backup-service", "/instances/x/backups"));
        // each refused token, and the reason the answer gives
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("", "a bearer token is required");
        refused.put("garbage", "malformed token");
        refused.put("dcp1.e30.AAAA", "malformed token");
        refused.put(ControlPlane.forgedToken(), "bad token signature");
        refused.put(ControlPlane.expiredToken(), "token expired");
        refused.put(ControlPlane.wrongAudienceToken(), "token for another audience");
        refused.put(ControlPlane.unsignedToken(), "unsigned token");
        for (String url : urls) {
            for (var token : refused.entrySet()) {
                var response = operator.as(token.getKey()).get(url);
                assertThat(response.statusCode()).as(url + " with '" + token.getKey() + "'").isEqualTo(401);
                assertThat(response.body()).as(url + " with '" + token.getKey() + "'").contains(token.getValue());
            }
        }
        assertThat(operator.as(ControlPlane.token(ORG)).get(plane.url("failover-service", "/regions/AWS:x"))
                .statusCode()).as("an organization's token on an operator-only service").isEqualTo(403);
        for (String service : SERVICES) {
            assertThat(operator.get(plane.url(service, "/health")).statusCode()).isEqualTo(200);
        }
    }

    private void sendNonsense(KafkaProducer<String, InstanceRequestEnvelope> requests, Random random, String victim,
            int n) {
        String id = "nonsense-" + run + "-" + n;
        String requestId = "req-" + id;
        InstanceRequested.Builder ok = InstanceRequested.newBuilder().setRequestId(requestId).setOrganizationId(ORG)
                .setInstanceId(id).setDisplayName("db " + id).setEngine(Engine.POSTGRESQL)
                .setCloud(io.datastores.events.Cloud.AWS).setRegion("us-east-1").setPlan("HOBBYIST");
        Object payload;
        String code;
        switch (n % 8) {
            case 0:
                payload = ok.setDisplayName("x".repeat(100_000)).build();
                code = "INVALID_DISPLAY_NAME";
                break;
            case 1:
                payload = ok.setPlan("MEGA-" + random.nextInt(1000)).build();
                code = "UNKNOWN_PLAN";
                break;
            case 2:
                payload = ok.setRegion("moon-" + random.nextInt(9)).build();
                code = "UNKNOWN_REGION";
                break;
            case 3:
                payload = ok.setAllowlist(List.of("10.0.0.0/99", "300.1.2.3")).build();
                code = "INVALID_CIDR";
                break;
            case 4:
                payload = new PlanChangeRequested(requestId, ORG, id, "STARTUP-2");
                code = "UNKNOWN_INSTANCE";
                break;
            case 5:
                id = victim;
                payload = new PlanChangeRequested(requestId, ORG, victim, "STARTUP-2");
                code = "WRONG_ORGANIZATION";
                break;
            case 6:
                payload = new InstanceDeletionRequested(requestId, ORG, id);
                code = "UNKNOWN_INSTANCE";
                break;
            default:
                payload = new AllowlistChangeRequested(requestId, ORG, id, List.of("0.0.0.0/0"));
                code = "UNKNOWN_INSTANCE";
                break;
        }
        rejectionExpectedByRequestId.put(requestId, code);
        requests.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), id,
                new InstanceRequestEnvelope(Platform.meta("hostile"), payload)));
    }

    private void sendGhost(KafkaProducer<String, byte[]> raw, int n) {
        String id = "ghost-" + run + "-" + n;
        String node = id + "-n1";
        ghosts.put(id, node);
        var meta = Platform.meta("hostile");
        if (n % 2 == 0) {
            raw.send(new ProducerRecord<>(Topics.NODE_TELEMETRY.name(), id, serdes.value(Topics.NODE_TELEMETRY)
                    .serializer().serialize(Topics.NODE_TELEMETRY.name(), new io.datastores.events.NodeTelemetryEnvelope(
                            meta, new io.datastores.events.NodeHeartbeat(id, node, io.datastores.events.NodeRole.PRIMARY,
                                    -5L, -1L)))));
        } else {
            raw.send(new ProducerRecord<>(Topics.NODE_ALERTS.name(), id, serdes.value(Topics.NODE_ALERTS).serializer()
                    .serialize(Topics.NODE_ALERTS.name(), new io.datastores.events.NodeAlertEnvelope(meta,
                            new io.datastores.events.NodeFailed(id, node, "hostile", "PLATFORM", 0L)))));
        }
    }

    /** One record per input topic that its contract accepts (the first event type, every field filled). */
    private Map<String, byte[]> validSamples() throws Exception {
        RestSchemaRegistry registry = new RestSchemaRegistry(SchemaRegistryExtension.url());
        Map<String, byte[]> samples = new HashMap<>();
        for (TopicSpec<?> topic : INPUTS.keySet()) {
            Schema schema = (Schema) topic.valueType().getMethod("getClassSchema").invoke(null);
            int id = registry.register(topic.name() + "-value", schema);
            samples.put(topic.name(), encode(id, schema, (GenericRecord) filled(schema)));
        }
        return samples;
    }

    /** A value of {@code schema} with every field set to something plain. */
    private static Object filled(Schema schema) {
        switch (schema.getType()) {
            case RECORD: {
                GenericRecord r = new GenericData.Record(schema);
                schema.getFields().forEach(f -> r.put(f.name(), filled(f.schema())));
                return r;
            }
            case UNION:
                return filled(schema.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst()
                        .orElse(schema.getTypes().get(0)));
            case ENUM:
                return new GenericData.EnumSymbol(schema, schema.getEnumSymbols().get(0));
            case ARRAY:
                return List.of();
            case MAP:
                return Map.of();
            case STRING:
                return "sample";
            case INT:
                return 1;
            case LONG:
                return 1L;
            case FLOAT:
                return 1f;
            case DOUBLE:
                return 1d;
            case BOOLEAN:
                return true;
            case BYTES:
                return java.nio.ByteBuffer.wrap(new byte[] {1});
            case FIXED:
                return new GenericData.Fixed(schema, new byte[schema.getFixedSize()]);
            default:
                return null;
        }
    }

    private static byte[] encode(int schemaId, Schema schema, GenericRecord record) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return WireFormat.frame(schemaId, out.toByteArray());
    }

    /** Registers the instance-request contract with a cloud it does not know ("IBM"); returns its id. */
    private int registerUnknownEnumVariant() {
        String schema = InstanceRequestEnvelope.getClassSchema().toString()
                .replace("\"UNKNOWN\"]", "\"UNKNOWN\",\"IBM\"]");
        assertThat(schema).contains("\"IBM\"");
        return new RestSchemaRegistry(SchemaRegistryExtension.url())
                .register(Topics.INSTANCE_REQUESTS.name() + "-value", new Schema.Parser().parse(schema));
    }

    private byte[] unknownEnumRecord(int schemaId) throws Exception {
        Schema schema = new RestSchemaRegistry(SchemaRegistryExtension.url()).schemaById(schemaId);
        Schema metaSchema = schema.getField("metadata").schema();
        GenericRecord meta = new GenericData.Record(metaSchema);
        meta.put("eventId", UUID.randomUUID().toString());
        meta.put("correlationId", "hostile");
        meta.put("occurredAt", System.currentTimeMillis());
        meta.put("producer", "hostile");
        Schema requested = schema.getField("payload").schema().getTypes().stream()
                .filter(t -> t.getName().equals("InstanceRequested")).findFirst().orElseThrow();
        GenericRecord r = new GenericData.Record(requested);
        r.put("requestId", "req-ibm-" + run);
        r.put("organizationId", ORG);
        r.put("instanceId", "ibm-" + run);
        r.put("displayName", "ibm");
        r.put("engine", new GenericData.EnumSymbol(requested.getField("engine").schema(), "POSTGRESQL"));
        r.put("cloud", new GenericData.EnumSymbol(requested.getField("cloud").schema(), "IBM"));
        r.put("region", "us-south");
        r.put("plan", "HOBBYIST");
        r.put("tlsRequired", true);
        r.put("allowlist", List.of());
        r.put("scriptingEnabled", null);
        GenericRecord envelope = new GenericData.Record(schema);
        envelope.put("metadata", meta);
        envelope.put("payload", r);
        return encode(schemaId, schema, envelope);
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
