package io.datastores.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.avro.specific.SpecificRecord;

import com.fasterxml.jackson.databind.JsonNode;

import io.datastores.contract.TopicSpec;
import io.datastores.dataplane.engine.Postgres;
import io.datastores.dataplane.engine.Shell;
import io.datastores.kit.auth.Role;
import io.datastores.kit.auth.TokenIssuer;
import io.datastores.kit.json.JsonSerde;
import io.datastores.kit.kafka.PlatformBootstrap;
import io.datastores.kit.seal.SealedBox;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.stack.KafkaBroker;
import io.datastores.testkit.JavaProcess;
import io.datastores.testkit.ProjectLayout;

/**
 * The whole control plane as processes, as {@code ./dcp up} runs it with real servers: the schema
 * registry, the four services, the endpoint server and the local data plane (PostgreSQL 15 run as
 * {@code postgres} when this process is root), on free ports, with everything under {@code dir};
 * failover-service's detection settings are its defaults, with {@code region.min-silent=2} as on the
 * local stack. Closed, it stops every process and every server.
 */
final class RealStack implements AutoCloseable {

    static final Path PG_BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final Map<String, String> SERVICES = Map.of(
            "provisioning-service", "io.datastores.provisioning.Application",
            "failover-service", "io.datastores.failover.Application",
            "backup-service", "io.datastores.backup.Application",
            "marketplace-service", "io.datastores.marketplace.Application");

    private final KafkaBroker broker;
    private final Path dir;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, JavaProcess> running = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private ContractSerdes serdes;
    private SealedBox.KeyPair marketplaceKey;
    private String token;

    RealStack(KafkaBroker broker, Path dir) {
        this.broker = broker;
        this.dir = dir;
    }

    RealStack start() throws Exception {
        Files.createDirectories(dir);
        // the servers' user must enter every directory down to its data: /tmp's own are private
        for (Path p = dir; p != null && !p.equals(Path.of(System.getProperty("java.io.tmpdir"))) && p.getParent() != null;
                p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path jar = ProjectLayout.module("schema-registry").resolve("target/schema-registry-0.1.0-SNAPSHOT-runner.jar");
        int registryPort = KafkaBroker.freePort();
        running.put("schema-registry", JavaProcess.jar("schema-registry", jar, Map.of("quarkus.http.port",
                String.valueOf(registryPort), "quarkus.http.host", "127.0.0.1"), dir.resolve("logs")).start());
        String registryUrl = "http://127.0.0.1:" + registryPort + "/apis/ccompat/v7";
        running.get("schema-registry").awaitHttpOk(registryUrl + "/subjects", Duration.ofSeconds(90));
        serdes = new ContractSerdes(registryUrl);
        PlatformBootstrap.prepare(bootstrap(), serdes.registry(), Duration.ofSeconds(30));
        String secret = "bench-" + UUID.randomUUID();
        Files.writeString(dir.resolve("auth.secret"), secret);
        Files.writeString(dir.resolve("master.key"), io.datastores.marketplace.secrets.SecretBox.newMasterKey());
        token = new TokenIssuer(secret).issue("bench", Set.of(Role.OPERATOR), null,
                Instant.now().plus(Duration.ofHours(6)));
        marketplaceKey = SealedBox.KeyPair.openOrCreate(dir.resolve("vault"));
        for (String service : SERVICES.keySet()) {
            ports.put(service, KafkaBroker.freePort());
            running.put(service, JavaProcess.module(service, SERVICES.get(service), serviceSettings(service,
                    registryUrl), dir.resolve("logs")).start());
        }
        launchDataPlane(registryUrl);
        for (String name : running.keySet()) {
            if (!name.equals("schema-registry")) {
                running.get(name).awaitHttpOk(url(name, "/health"), Duration.ofMinutes(3));
            }
        }
        return this;
    }

    private Map<String, String> serviceSettings(String service, String registryUrl) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("kafka.bootstrap.servers", bootstrap());
        props.put("schema.registry.url", registryUrl);
        props.put("micronaut.server.port", String.valueOf(ports.get(service)));
        props.put("dcp.state.dir", dir.resolve("state").resolve(service).toString());
        props.put("dcp.auth.secret-file", dir.resolve("auth.secret").toString());
        props.put("dcp.marketplace.master-key-file", dir.resolve("master.key").toString());
        props.put("dcp.marketplace.seal-dir", dir.resolve("vault").toString());
        props.put("dcp.marketplace.dataplane-seal-dir", dir.resolve("dataplane-vault").toString());
        props.put("dcp.marketplace.ca-file", caFile().toString());
        if (service.equals("failover-service")) {
            props.put("dcp.failover.region.min-silent", "2"); // as ./dcp up: one process beats for every server
        }
        return props;
    }

    /** The endpoint server and the local data plane, with a range of server ports of their own. */
    private void launchDataPlane(String registryUrl) {
        ports.put("endpoints", KafkaBroker.freePort());
        ports.put("dataplane", KafkaBroker.freePort());
        Map<String, String> endpoint = new LinkedHashMap<>();
        endpoint.put("endpoint.dir", dir.resolve("endpoints").toString());
        endpoint.put("endpoint.control-port", String.valueOf(ports.get("endpoints")));
        running.put("endpoints", JavaProcess.module("dataplane", "io.datastores.dataplane.endpoint.EndpointServer",
                endpoint, dir.resolve("logs").resolve("endpoints")).start());
        int serverPorts = 16000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(130) * 100;
        Map<String, String> props = new LinkedHashMap<>();
        props.put("kafka.bootstrap.servers", bootstrap());
        props.put("schema.registry.url", registryUrl);
        props.put("dataplane.dir", dataPlaneDir().toString());
        props.put("dataplane.http.port", String.valueOf(ports.get("dataplane")));
        props.put("dataplane.endpoint-url", "http://127.0.0.1:" + ports.get("endpoints"));
        props.put("dataplane.tls-dir", dir.resolve("tls").toString());
        props.put("dataplane.seal-dir", dir.resolve("vault").toString());
        props.put("dataplane.vault-dir", dir.resolve("dataplane-vault").toString());
        props.put("dataplane.ports", serverPorts + "-" + (serverPorts + 99));
        running.put("dataplane", JavaProcess.module("dataplane", "io.datastores.dataplane.run.LocalDataPlane", props,
                dir.resolve("logs").resolve("dataplane")).start());
    }

    String bootstrap() {
        return broker.bootstrapServers();
    }

    ContractSerdes serdes() {
        return serdes;
    }

    Path dataPlaneDir() {
        return dir.resolve("dataplane");
    }

    /** The stack's CA certificate (made by the data plane), which clients verify servers against. */
    Path caFile() {
        return dir.resolve("tls").resolve("ca.crt");
    }

    /** The admin password the data plane sealed for marketplace-service, opened with its key. */
    String open(byte[] sealed, String instanceId) throws SealedBox.CannotOpen {
        return new String(marketplaceKey.open(sealed, instanceId.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    String url(String part, String path) {
        return "http://127.0.0.1:" + ports.get(part) + path;
    }

    /** An operator's GET; the body. */
    HttpResponse<String> get(String part, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url(part, path))).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An operator's POST with a JSON body (none when null). */
    HttpResponse<String> post(String part, String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url(part, path))).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The data plane's servers, as {@code GET /nodes} lists them. */
    List<JsonNode> servers() throws IOException, InterruptedException {
        JsonNode nodes = JsonSerde.MAPPER.readTree(get("dataplane", "/nodes").body()).get("nodes");
        List<JsonNode> out = new java.util.ArrayList<>();
        nodes.forEach(out::add);
        return out;
    }

    /** Sends one record and waits for the broker's acknowledgement. */
    <T extends SpecificRecord> void send(TopicSpec<T> topic, String key, T value) throws Exception {
        try (var producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()),
                new StringSerializer(), serdes.value(topic).serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** A producer for many records to one topic. */
    <T extends SpecificRecord> KafkaProducer<String, T> producer(TopicSpec<T> topic) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()),
                new StringSerializer(), serdes.value(topic).serializer());
    }

    @Override
    public void close() {
        running.values().forEach(JavaProcess::close);
        stopServers();
    }

    /** The servers outlive the data plane (by design): none is left behind. */
    private void stopServers() {
        Path nodes = dataPlaneDir().resolve("nodes");
        if (!Files.isDirectory(nodes)) {
            return;
        }
        Postgres postgres = new Postgres(PG_BIN, Shell.forThisProcess("postgres"));
        try (var dirs = Files.list(nodes)) {
            for (Path node : dirs.toList()) {
                try {
                    postgres.stop(node.resolve("data"), "immediate");
                } catch (RuntimeException e) {
                    System.err.println("could not stop the server in " + node + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            System.err.println("could not list " + nodes + ": " + e.getMessage());
        }
    }
}
