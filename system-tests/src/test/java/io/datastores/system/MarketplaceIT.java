package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.datastores.contract.Topics;
import io.datastores.events.AdminCredentialIssued;
import io.datastores.events.CredentialVerificationRequested;
import io.datastores.events.CredentialVerified;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.Engine;
import io.datastores.events.MarketplaceEventEnvelope;
import io.datastores.events.MarketplaceRequestRejected;
import io.datastores.kit.seal.SealedBox;
import io.datastores.kit.auth.Role;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.testkit.KafkaBrokerExtension;
import io.datastores.testkit.SchemaRegistryExtension;

/**
 * marketplace-service on the real broker and registry, every part its own process: from
 * {@code InstanceReady} to a listed database with a connection, over HTTP with tokens; an instance
 * the local data plane runs (the test plays the data plane: it issues the super admin's password,
 * sealed for marketplace's key, and answers verifications of created credentials); secrets that
 * never leak; read models that a rebuild from the log reproduces.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MarketplaceIT {

    private static final String ORG = "org-mkt";
    /** The organization of the instance the local data plane runs (its own, so the other's fleet stays as it is). */
    private static final String LOCAL_ORG = "org-mkt-local";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The plaintext that must never show up anywhere but the password endpoint. */
    private final String secret = "leak-marker-" + UUID.randomUUID();
    /** The super admin's passwords the played data plane issues: never anywhere but the password endpoint. */
    private final String adminSecret = "admin-marker-" + UUID.randomUUID();
    private final String adminSecretAfterRestore = "admin-marker-2-" + UUID.randomUUID();
    private final String instance = "mkt-" + UUID.randomUUID();
    /** An instance the (played) local data plane runs. */
    private final String local = "mkt-local-" + UUID.randomUUID();
    private ContractSerdes serdes;
    private ControlPlane plane;
    private Platform operator;
    private Platform owner;
    private Platform ownerViewer;
    private Platform stranger;
    private Platform localOwner;
    private Platform localViewer;

    @BeforeAll
    void start() throws Exception {
        serdes = new ContractSerdes(SchemaRegistryExtension.url());
        // a verification the data plane leaves unanswered is pending past the HTTP wait, refused after its timeout
        // (ControlPlane.VERIFICATION_TIMEOUT)
        plane = new ControlPlane(KafkaBrokerExtension.bootstrapServers(), SchemaRegistryExtension.url(),
                Files.createTempDirectory("marketplace"), Map.of("dcp.commands.decision-timeout", "8s")).start();
        operator = new Platform(KafkaBrokerExtension.bootstrapServers(), serdes);
        owner = operator.as(ControlPlane.token(ORG, Role.PLATFORM));
        ownerViewer = operator.as(ControlPlane.token(ORG, Role.VIEWER));
        stranger = operator.as(ControlPlane.token("org-other", Role.PLATFORM));
        localOwner = operator.as(ControlPlane.token(LOCAL_ORG, Role.PLATFORM));
        localViewer = operator.as(ControlPlane.token(LOCAL_ORG, Role.VIEWER));
        operator.pays(ORG, plane);
        operator.pays(LOCAL_ORG, plane);
        try (var producer = operator.requests()) {
            producer.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), instance,
                    Platform.request(ORG, instance, "BUSINESS-4", Engine.POSTGRESQL))).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), local,
                    Platform.request(LOCAL_ORG, local, "PREMIUM-8", Engine.POSTGRESQL))).get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(
                ownerViewer.get(url("/instances/" + instance)).body()).contains("\"status\":\"READY\""));
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(
                localViewer.get(url("/instances/" + local)).body()).contains("\"status\":\"READY\""));
    }

    @AfterAll
    void stop() {
        if (plane != null) {
            plane.close();
        }
    }

    private String url(String path) {
        return plane.url("marketplace-service", path);
    }

    private JsonNode json(java.net.http.HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    @Order(1)
    @DisplayName("InstanceReady to a listed database with a connection, over HTTP with tokens")
    void listedWithAConnection() throws Exception {
        var refused = owner.post(url("/instances/" + instance + "/listing"), "");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("NO_ACTIVE_CREDENTIAL");

        var created = owner.post(url("/instances/" + instance + "/credentials"), "{\"kind\":\"CREATED\","
                + "\"displayName\":\"app\",\"environment\":\"prod\",\"username\":\"app_user\",\"password\":\""
                + secret + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String credential = json(created).get("credentialId").asText();
        var admin = owner.post(url("/instances/" + instance + "/credentials"),
                "{\"kind\":\"SUPER_ADMIN\",\"displayName\":\"root\",\"environment\":\"staging\"}");
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(201);
        assertThat(json(admin).get("username").asText()).isEqualTo("admin");
        var adminWithPassword = owner.post(url("/instances/" + instance + "/credentials"), "{\"kind\":\"SUPER_ADMIN\","
                + "\"displayName\":\"root2\",\"environment\":\"staging\",\"password\":\"" + secret + "\"}");
        assertThat(adminWithPassword.statusCode()).as(adminWithPassword.body()).isEqualTo(422);
        assertThat(adminWithPassword.body()).contains("INVALID_REQUEST")
                .contains("the platform manages the super admin's password").doesNotContain(secret);

        var listed = owner.post(url("/instances/" + instance + "/listing"), "");
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        assertThat(json(listed).get("listed").asBoolean()).isTrue();

        var wrongEnv = owner.post(url("/instances/" + instance + "/connections"), "{\"componentId\":\"billing\","
                + "\"environment\":\"staging\",\"credentialId\":\"" + credential + "\"}");
        assertThat(wrongEnv.statusCode()).isEqualTo(422);
        assertThat(wrongEnv.body()).contains("ENVIRONMENT_MISMATCH");

        var connection = owner.post(url("/instances/" + instance + "/connections"), "{\"componentId\":\"billing\","
                + "\"environment\":\"prod\",\"credentialId\":\"" + credential + "\",\"database\":\"orders\"}");
        assertThat(connection.statusCode()).as(connection.body()).isEqualTo(201);
        JsonNode c = json(connection);
        assertThat(c.get("serviceHost").asText()).endsWith(".db.dcp.internal");
        assertThat(c.get("port").asInt()).isEqualTo(5432);
        assertThat(c.get("tlsRequired").asBoolean()).isTrue();
        assertThat(c.get("database").asText()).isEqualTo("orders");
        assertThat(c.get("username").asText()).isEqualTo("app_user");
        assertThat(connection.body()).doesNotContain(secret);
        String connectionId = c.get("connectionId").asText();

        String passwordUrl = url("/instances/" + instance + "/connections/" + connectionId + "/password");
        assertThat(ownerViewer.get(passwordUrl).statusCode()).isEqualTo(403);
        assertThat(json(owner.get(passwordUrl)).get("password").asText()).isEqualTo(secret);

        JsonNode market = json(ownerViewer.get(url("/marketplace")));
        assertThat(market.get("items")).anySatisfy(v -> {
            assertThat(v.get("instanceId").asText()).isEqualTo(instance);
            assertThat(v.get("engine").asText()).isEqualTo("POSTGRESQL");
            assertThat(v.get("activeConnections").asInt()).isEqualTo(1);
            assertThat(v.get("credentialsByEnvironment").get("prod").toString()).contains("app");
        });

        // the wrong organization's token is refused, and sees nothing of it
        assertThat(stranger.get(url("/instances/" + instance)).statusCode()).isEqualTo(403);
        assertThat(stranger.post(url("/instances/" + instance + "/listing"), "").statusCode()).isEqualTo(403);
        assertThat(stranger.get(passwordUrl).statusCode()).isEqualTo(403);
        assertThat(stranger.get(url("/marketplace")).body()).doesNotContain(instance);
        assertThat(stranger.get(url("/instances?organization=" + ORG)).statusCode()).isEqualTo(403);
        assertThat(operator.as("forged." + ControlPlane.token(ORG)).get(url("/instances/" + instance)).statusCode())
                .isEqualTo(401);

        // deleting the credential: no new connection with it; the existing one keeps working
        assertThat(owner.delete(url("/instances/" + instance + "/credentials/" + credential)).statusCode())
                .isEqualTo(200);
        var blocked = owner.post(url("/instances/" + instance + "/connections"), "{\"componentId\":\"reports\","
                + "\"environment\":\"prod\",\"credentialId\":\"" + credential + "\"}");
        assertThat(blocked.statusCode()).isEqualTo(422);
        assertThat(blocked.body()).contains("CREDENTIAL_INACTIVE");
        assertThat(json(owner.get(url("/instances/" + instance + "/connections/" + connectionId)))
                .get("active").asBoolean()).isTrue();
        var stillServed = owner.get(passwordUrl);
        assertThat(stillServed.statusCode()).as("the connection holds its own copy: " + stillServed.body())
                .isEqualTo(200);
        assertThat(json(stillServed).get("password").asText()).isEqualTo(secret);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, Optional<byte[]>> keys = latestKeyRecords();
            assertThat(destroyed(keys, credential)).as("the credential's data key is destroyed").isTrue();
            assertThat(keys.get(connectionId)).as("the connection's data key").isNotNull().isPresent();
        });

        // removing the connection shreds its copy
        var removed = owner.delete(url("/instances/" + instance + "/connections/" + connectionId));
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(json(removed).get("active").asBoolean()).isFalse();
        assertThat(owner.get(passwordUrl).statusCode()).as("the connection is removed").isEqualTo(410);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(destroyed(latestKeyRecords(),
                connectionId)).as("the connection's data key is destroyed").isTrue());
        assertThat(owner.delete(url("/instances/" + instance + "/connections/" + connectionId)).statusCode())
                .as("removed already").isEqualTo(200);
    }

    @Test
    @Order(1)
    @DisplayName("an instance the local data plane runs: its admin's password, created credentials it logs in with,"
            + " the endpoint and CA in the answer")
    void localDataPlane() throws Exception {
        // the data plane's key pair, made when it starts (after marketplace-service: read when first needed)
        SealedBox.KeyPair dataPlaneKey = SealedBox.KeyPair.openOrCreate(plane.dataPlaneVault());
        PublicKey marketplaceKey = SealedBox.readPublicKey(plane.vault().resolve(SealedBox.PUBLIC_KEY_FILE));
        issueAdminPassword(marketplaceKey, adminSecret);

        var admin = localOwner.post(url("/instances/" + local + "/credentials"),
                "{\"kind\":\"SUPER_ADMIN\",\"displayName\":\"root\",\"environment\":\"prod\"}");
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(201);
        assertThat(json(admin).get("username").asText()).isEqualTo("admin");
        String adminCredential = json(admin).get("credentialId").asText();
        assertThat(localOwner.post(url("/instances/" + local + "/listing"), "").statusCode()).isEqualTo(200);
        var adminConnection = localOwner.post(url("/instances/" + local + "/connections"), "{\"componentId\":\"ops\","
                + "\"environment\":\"prod\",\"credentialId\":\"" + adminCredential + "\"}");
        assertThat(adminConnection.statusCode()).as(adminConnection.body()).isEqualTo(201);
        JsonNode c = json(adminConnection);
        String adminPasswordUrl = url("/instances/" + local + "/connections/" + c.get("connectionId").asText()
                + "/password");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var p = localOwner.get(adminPasswordUrl);
            assertThat(p.statusCode()).as(p.body()).isEqualTo(200);
            assertThat(json(p).get("password").asText()).as("the password the data plane issued")
                    .isEqualTo(adminSecret);
        });

        // the connection answer: TLS verified against the stack's CA, the endpoint dialled where DNS does not serve
        assertThat(c.get("sslmode").asText()).isEqualTo("verify-full");
        String host = c.get("serviceHost").asText();
        String connectionString = c.get("connectionString").asText();
        assertThat(connectionString).startsWith("host=" + host + " ").contains(" port=" + c.get("port").asInt() + " ")
                .contains(" dbname=defaultdb user=admin sslmode=verify-full")
                .endsWith(" sslrootcert=" + plane.caFile().toAbsolutePath()).doesNotContain(adminSecret);
        if (c.hasNonNull("hostAddress")) { // once provisioning publishes the endpoint's address
            assertThat(connectionString).contains(" hostaddr=" + c.get("hostAddress").asText() + " ");
        }
        String caUrl = url("/instances/" + local + "/ca");
        assertThat(localViewer.get(caUrl).statusCode()).as("no CA file yet").isEqualTo(404);
        String pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUdGVzdA==\n-----END CERTIFICATE-----\n";
        Files.createDirectories(plane.caFile().getParent());
        Files.writeString(plane.caFile(), pem);
        var ca = localViewer.get(caUrl);
        assertThat(ca.statusCode()).isEqualTo(200);
        assertThat(ca.body()).isEqualTo(pem);
        assertThat(ca.headers().firstValue("Content-Type")).get().asString().startsWith("application/x-pem-file");
        assertThat(stranger.get(caUrl).statusCode()).isEqualTo(403);

        // created credentials: answered once the data plane has logged in with them
        var accepted = importCreated("app", "app_user", secret);
        VerificationAsked asked = verificationAsked(accepted.requestedAfter);
        assertThat(new String(dataPlaneKey.open(asked.sealedPassword(), asked.credentialId()
                .getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8)).as("sealed for the data plane")
                .isEqualTo(secret);
        assertThat(asked.username()).isEqualTo("app_user");
        assertThat(asked.keyId()).isEqualTo(dataPlaneKey.keyId());
        answer(asked, true, "");
        var imported = accepted.answer.get(30, TimeUnit.SECONDS);
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
        assertThat(json(imported).get("credentialId").asText()).isEqualTo(asked.credentialId());
        var appConnection = localOwner.post(url("/instances/" + local + "/connections"), "{\"componentId\":\"api\","
                + "\"environment\":\"prod\",\"credentialId\":\"" + asked.credentialId() + "\"}");
        assertThat(appConnection.statusCode()).as(appConnection.body()).isEqualTo(201);
        assertThat(json(localOwner.get(url("/instances/" + local + "/connections/"
                + json(appConnection).get("connectionId").asText() + "/password"))).get("password").asText())
                .isEqualTo(secret);

        // refused by the server: 422 with its reason, never the password
        var refused = importCreated("bad", "bad_user", secret);
        VerificationAsked second = verificationAsked(refused.requestedAfter);
        answer(second, false, "the server refused bad_user: FATAL: password authentication failed for user"
                + " \"bad_user\"");
        var no = refused.answer.get(30, TimeUnit.SECONDS);
        assertThat(no.statusCode()).as(no.body()).isEqualTo(422);
        assertThat(no.body()).contains("CREDENTIAL_REFUSED").contains("password authentication failed")
                .doesNotContain(secret);

        // never answered: pending past the HTTP wait, then refused when the timeout passes
        var unanswered = importCreated("silent", "silent_user", secret);
        var pending = unanswered.answer.get(30, TimeUnit.SECONDS);
        assertThat(pending.statusCode()).as(pending.body()).isEqualTo(202);
        String pendingRequest = json(pending).get("requestId").asText();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(marketplaceEvents(local).stream()
                .map(e -> e.getPayload()).filter(MarketplaceRequestRejected.class::isInstance)
                .map(MarketplaceRequestRejected.class::cast)
                .filter(r -> r.getRequestId().equals(pendingRequest)).findFirst()).get().satisfies(r -> {
                    assertThat(r.getCode()).isEqualTo("CREDENTIAL_REFUSED");
                    assertThat(r.getReason()).contains("within 15 s");
                }));
        assertThat(localOwner.get(url("/instances/" + local + "/credentials")).body()).contains("\"app\"")
                .doesNotContain("\"bad\"").doesNotContain("\"silent\"");

        // a restore made a new primary, and a new password: the newest wins
        issueAdminPassword(marketplaceKey, adminSecretAfterRestore);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(json(localOwner.get(adminPasswordUrl))
                .get("password").asText()).isEqualTo(adminSecretAfterRestore));
    }

    /** The data plane (played here) issues the admin's password, sealed for marketplace, bound to the instance. */
    private void issueAdminPassword(PublicKey marketplaceKey, String password) throws Exception {
        byte[] sealed = SealedBox.seal(marketplaceKey, password.getBytes(StandardCharsets.UTF_8),
                local.getBytes(StandardCharsets.UTF_8));
        publishDataPlane(new AdminCredentialIssued(local, "admin", ByteBuffer.wrap(sealed),
                SealedBox.keyId(marketplaceKey)));
    }

    private void publishDataPlane(Object payload) throws Exception {
        try (var producer = new KafkaProducer<String, DataPlaneEventEnvelope>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerExtension.bootstrapServers()),
                new StringSerializer(), serdes.value(Topics.DATA_PLANE_EVENTS).serializer())) {
            producer.send(new ProducerRecord<>(Topics.DATA_PLANE_EVENTS.name(), local, new DataPlaneEventEnvelope(
                    Platform.meta(Topics.DATA_PLANE_EVENTS.writer()), payload))).get(30, TimeUnit.SECONDS);
        }
    }

    /** An import of created credentials on its way, and how many verifications were asked before it. */
    private record Importing(CompletableFuture<java.net.http.HttpResponse<String>> answer, int requestedAfter) {
    }

    private Importing importCreated(String name, String user, String password) throws Exception {
        int before = verifications().size();
        String body = "{\"kind\":\"CREATED\",\"displayName\":\"" + name + "\",\"environment\":\"prod\","
                + "\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
        return new Importing(CompletableFuture.supplyAsync(() -> {
            try {
                return localOwner.post(url("/instances/" + local + "/credentials"), body);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }), before);
    }

    /** A verification marketplace asked of the data plane. */
    private record VerificationAsked(String requestId, String credentialId, String username, byte[] sealedPassword,
            String keyId) {
    }

    private List<VerificationAsked> verifications() {
        return marketplaceEvents(local).stream().map(e -> e.getPayload())
                .filter(CredentialVerificationRequested.class::isInstance)
                .map(CredentialVerificationRequested.class::cast)
                .map(v -> {
                    byte[] sealed = new byte[v.getSealedPassword().remaining()];
                    v.getSealedPassword().duplicate().get(sealed);
                    return new VerificationAsked(v.getRequestId(), v.getCredentialId(), v.getUsername(), sealed,
                            v.getSealKeyId());
                }).toList();
    }

    /** The next verification asked after the first {@code before}, once it is there. */
    private VerificationAsked verificationAsked(int before) {
        return await().atMost(Duration.ofSeconds(20)).until(this::verifications, l -> l.size() > before).get(before);
    }

    /** The data plane's answer (played): whether the server accepted the login. */
    private void answer(VerificationAsked asked, boolean verified, String reason) throws Exception {
        publishDataPlane(new CredentialVerified(asked.requestId(), asked.credentialId(), local, verified, reason));
    }

    /** The committed marketplace events of one instance, up to the topic's end as it is now. */
    private List<MarketplaceEventEnvelope> marketplaceEvents(String instanceId) {
        List<MarketplaceEventEnvelope> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerExtension.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.MARKETPLACE_EVENTS.name(),
                    Duration.ofSeconds(30)).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (instanceId.equals(r.key())) {
                        out.add(serdes.value(Topics.MARKETPLACE_EVENTS).deserializer().deserialize(r.topic(),
                                r.value()));
                    }
                }
            }
        }
        return out;
    }

    /** Whether the key's latest record is a tombstone, or compaction has removed it altogether. */
    private static boolean destroyed(Map<String, Optional<byte[]>> keys, String key) {
        return keys.getOrDefault(key, Optional.empty()).isEmpty();
    }

    /** The latest committed record of each key of dcp.credential-keys: its value, empty for a tombstone. */
    private Map<String, Optional<byte[]>> latestKeyRecords() {
        Map<String, Optional<byte[]>> latest = new java.util.HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerExtension.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CREDENTIAL_KEYS.name(),
                    Duration.ofSeconds(30)).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> latest.put(r.key(), Optional.ofNullable(r.value())));
            }
        }
        return latest;
    }

    @Test
    @Order(1)
    @DisplayName("every service describes its HTTP API in a generated OpenAPI document")
    void openApi() throws Exception {
        var plain = java.net.http.HttpClient.newHttpClient();
        for (String service : List.of("marketplace-service", "provisioning-service", "failover-service",
                "backup-service")) {
            var r = plain.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    plane.url(service, "/openapi.json"))).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(service).isEqualTo(200);
            JsonNode doc = JSON.readTree(r.body());
            assertThat(doc.get("openapi").asText()).startsWith("3.");
            assertThat(doc.get("info").get("title").asText()).isEqualTo(service);
            assertThat(doc.get("components").get("securitySchemes").has("bearer")).isTrue();
        }
        JsonNode doc = JSON.readTree(plain.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                url("/openapi.json"))).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        JsonNode credentials = doc.get("paths").get("/instances/{id}/credentials");
        assertThat(credentials.get("post").get("requestBody").toString()).contains("CredentialBody");
        assertThat(credentials.get("post").get("parameters").get(0).get("in").asText()).isEqualTo("path");
        assertThat(doc.get("paths").get("/marketplace").get("get").get("parameters").toString())
                .contains("organization").contains("engine");
    }

    @Test
    @Order(2)
    @DisplayName("the plaintext secret is in no topic, DLQ, log or read model")
    void secretsNeverLeak() throws Exception {
        List<String> hits = new ArrayList<>();
        List<String> secrets = List.of(secret, adminSecret, adminSecretAfterRestore);
        List<byte[]> needles = secrets.stream().map(x -> x.getBytes(StandardCharsets.UTF_8)).toList();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBrokerExtension.bootstrapServers()));
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerExtension.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                    .get(30, TimeUnit.SECONDS);
            assertThat(topics).contains(Topics.MARKETPLACE_COMMANDS.name(), Topics.CREDENTIAL_KEYS.name(),
                    Topics.MARKETPLACE_EVENTS.name(), Topics.MARKETPLACE_EVENTS.deadLetterTopic(), "dcp.view.marketplace");
            List<TopicPartition> partitions = new ArrayList<>();
            for (String t : topics) {
                consumer.partitionsFor(t, Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(t, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long records = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    for (byte[] needle : needles) {
                        if (contains(r.value(), needle) || contains(r.key(), needle)) {
                            hits.add(r.topic() + "@" + r.offset());
                        }
                        for (Header h : r.headers()) {
                            if (contains(h.value(), needle)) {
                                hits.add(r.topic() + "@" + r.offset() + " header " + h.key());
                            }
                        }
                    }
                }
            }
            assertThat(records).as("records searched across %s topics", topics.size()).isGreaterThan(100);
        }
        String logs = plane.allLogs();
        for (String s : secrets) {
            if (logs.contains(s)) {
                hits.add("a log");
            }
        }
        for (String path : List.of("/instances/" + instance, "/instances?size=500", "/marketplace?all=true",
                "/instances/" + instance + "/marketplace", "/instances/" + instance + "/credentials",
                "/instances/" + local, "/instances/" + local + "/marketplace", "/instances/" + local + "/credentials",
                "/admin/stores")) {
            String body = operator.get(url(path)).body();
            secrets.stream().filter(body::contains).forEach(x -> hits.add("read model " + path));
        }
        assertThat(hits).as("places the plaintext secret was found").isEmpty();
    }

    @Test
    @Order(3)
    @DisplayName("a rebuild of the read models from an empty state answers as the live ones do")
    void rebuildGivesTheSameReadModels() throws Exception {
        String shadow = plane.launchShadow("marketplace-service").url();
        for (String path : List.of("/instances/" + instance, "/instances/" + instance + "/marketplace",
                "/instances/" + local + "/marketplace", "/instances?size=500", "/marketplace?all=true&size=500")) {
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(
                    byInstance(json(operator.get(shadow + path)))).as(path)
                    .isEqualTo(byInstance(json(operator.get(url(path))))));
        }
    }

    /**
     * A page's items in instance id order: a list reads the stores of its process's tasks in their
     * order, which two processes need not share (instances on several partitions).
     */
    private static JsonNode byInstance(JsonNode answer) {
        if (!answer.has("items")) {
            return answer;
        }
        List<JsonNode> items = new ArrayList<>();
        answer.get("items").forEach(items::add);
        items.sort(java.util.Comparator.comparing(i -> i.path("instanceId").asText()));
        com.fasterxml.jackson.databind.node.ObjectNode sorted = answer.deepCopy();
        sorted.putArray("items").addAll(items);
        return sorted;
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        if (hay == null || hay.length < needle.length) {
            return false;
        }
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
