package io.datastores.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

import io.datastores.contract.Topics;
import io.datastores.events.BillingEventEnvelope;
import io.datastores.events.Cloud;
import io.datastores.events.Engine;
import io.datastores.events.EventMetadata;
import io.datastores.events.InstanceRequestEnvelope;
import io.datastores.events.InstanceRequested;
import io.datastores.events.OrganizationTier;
import io.datastores.events.OrganizationTierChanged;
import io.datastores.kit.auth.Role;
import io.datastores.kit.auth.TokenIssuer;
import io.datastores.kit.kafka.PlatformBootstrap;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.stack.KafkaBroker;
import io.datastores.testkit.JavaProcess;
import io.datastores.testkit.ProjectLayout;

/**
 * Each service's resident memory with a fleet of {@code instances} in its state, and its start-up
 * time to healthy. The four services run as processes, with the JVM options {@code ./dcp up} uses,
 * against a broker and the schema registry; the fleet is requested on {@code dcp.instance-requests}
 * (all engines, clouds and plans) and flows through every service. Once every service has read every
 * input, its resident set size (VmRSS) is read; then each is stopped (writing its class-data archive,
 * as under {@code ./dcp up}) and started again, and the time from launch to {@code /health} answering
 * 200 is measured with its state on disk.
 */
final class Footprint {

    private static final List<String> SERVICES = List.of("provisioning-service", "failover-service",
            "backup-service", "marketplace-service");
    private static final Map<String, String> MAIN = Map.of(
            "provisioning-service", "io.datastores.provisioning.Application",
            "failover-service", "io.datastores.failover.Application",
            "backup-service", "io.datastores.backup.Application",
            "marketplace-service", "io.datastores.marketplace.Application");
    /** Plans every engine is offered on (the catalogue offers STARTUP-2 to no cache). */
    private static final List<String> PLANS = List.of("HOBBYIST", "STARTUP-4", "BUSINESS-4", "PREMIUM-8");

    private final int instances;

    Footprint(int instances) {
        this.instances = instances;
    }

    List<Result> run(KafkaBroker broker, Path work) throws Exception {
        Path jar = ProjectLayout.module("schema-registry").resolve("target/schema-registry-0.1.0-SNAPSHOT-runner.jar");
        int registryPort = KafkaBroker.freePort();
        List<Result> results = new ArrayList<>();
        try (JavaProcess registry = JavaProcess.jar("schema-registry", jar, Map.of("quarkus.http.port",
                String.valueOf(registryPort), "quarkus.http.host", "127.0.0.1"), work.resolve("logs")).start()) {
            String registryUrl = "http://127.0.0.1:" + registryPort + "/apis/ccompat/v7";
            registry.awaitHttpOk(registryUrl + "/subjects", Duration.ofSeconds(90));
            ContractSerdes serdes = new ContractSerdes(registryUrl);
            String bootstrap = broker.bootstrapServers();
            PlatformBootstrap.prepare(bootstrap, serdes.registry(), Duration.ofSeconds(30));
            Files.writeString(work.resolve("auth.secret"), "bench-" + UUID.randomUUID());
            Files.writeString(work.resolve("master.key"), io.datastores.marketplace.secrets.SecretBox.newMasterKey());
            Map<String, Integer> ports = new LinkedHashMap<>();
            Map<String, JavaProcess> running = new LinkedHashMap<>();
            try {
                for (String service : SERVICES) {
                    ports.put(service, KafkaBroker.freePort());
                    running.put(service, launch(service, ports.get(service), bootstrap, registryUrl, work));
                }
                running.put("simulator", simulator(bootstrap, registryUrl, work));
                for (String service : SERVICES) {
                    running.get(service).awaitHttpOk(health(ports.get(service)), Duration.ofMinutes(3));
                }
                long requested = System.nanoTime();
                request(bootstrap, serdes);
                String token = TokenIssuer.fromFile(work.resolve("auth.secret")).issue("bench",
                        Set.of(Role.OPERATOR), null, Instant.now().plus(Duration.ofHours(6)));
                awaitReady(ports.get("marketplace-service"), token, Duration.ofMinutes(60));
                double readySeconds = (System.nanoTime() - requested) / 1e9;
                results.add(new Result("fleet at scale", "requested to all READY", readySeconds, "s", null, true,
                        String.format("%d instances (every engine, cloud and plan) through all four services and the"
                                + " simulated data plane: %.0f instances/s; heartbeats every %d ms per node", instances,
                                instances / readySeconds, heartbeatMillis())));
                long behind = awaitCaughtUp(bootstrap, Duration.ofMinutes(instances >= 10_000 ? 20 : 3));
                Thread.sleep(5_000); // let the collectors settle after the catch-up
                for (String service : SERVICES) {
                    long pid = running.get(service).pid();
                    long rss = rssKiB(pid);
                    results.add(new Result(service + " memory", "resident set", rss / 1024.0, "MiB", 400.0, true,
                            String.format("%d instances READY in its state, %d heartbeats/s flowing (the slowest"
                                    + " service %d records behind); %s; -Xms64m -Xmx128m -XX:+UseSerialGC,"
                                    + " MALLOC_ARENA_MAX=2, MALLOC_MMAP_THRESHOLD_=131072 (as ./dcp up)", instances, heartbeatsPerSecond(), behind,
                                    jvmShare(pid))));
                }
                for (String service : SERVICES) {
                    running.remove(service).close();
                    long start = System.nanoTime();
                    JavaProcess again = launch(service, ports.get(service), bootstrap, registryUrl, work);
                    running.put(service, again);
                    again.awaitHttpOk(health(ports.get(service)), Duration.ofMinutes(3));
                    double seconds = (System.nanoTime() - start) / 1e9;
                    results.add(new Result(service + " start-up", "launch to healthy", seconds, "s", 3.0, true,
                            String.format("restart with %d instances of state on disk, classes mapped from the"
                                    + " archive the first run wrote when it stopped (as ./dcp up); JVM start included",
                                    instances)));
                }
            } finally {
                running.values().forEach(JavaProcess::close);
            }
        }
        return results;
    }

    /** The fleet: every engine, cloud and plan, for organizations that pay. */
    private void request(String bootstrap, ContractSerdes serdes) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 20);
        int orgs = Math.max(1, instances / 100);
        try (var billing = new KafkaProducer<>(config, new StringSerializer(),
                serdes.value(Topics.BILLING_EVENTS).serializer())) {
            for (int o = 0; o < orgs; o++) {
                billing.send(new ProducerRecord<>(Topics.BILLING_EVENTS.name(), "org-" + o, new BillingEventEnvelope(
                        meta(), new OrganizationTierChanged("org-" + o, OrganizationTier.PAID))));
            }
        }
        Engine[] engines = {Engine.POSTGRESQL, Engine.POSTGRESQL_VECTOR, Engine.MYSQL, Engine.CACHE};
        Cloud[] clouds = {Cloud.AWS, Cloud.AZURE, Cloud.GCP, Cloud.DIGITALOCEAN};
        String[] regions = {"us-east-1", "westeurope", "europe-west1", "nyc3"};
        try (var requests = new KafkaProducer<>(config, new StringSerializer(),
                serdes.value(Topics.INSTANCE_REQUESTS).serializer())) {
            for (int i = 0; i < instances; i++) {
                String id = "fp-" + i;
                Engine engine = engines[(i / 4) % engines.length];
                requests.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), id, new InstanceRequestEnvelope(
                        meta(), InstanceRequested.newBuilder().setRequestId("r-" + id).setOrganizationId("org-" + i % orgs)
                                .setInstanceId(id).setDisplayName("db " + id).setEngine(engine)
                                .setCloud(clouds[i % 4]).setRegion(regions[i % 4]).setPlan(PLANS.get(i % 4))
                                .build())));
            }
        }
    }

    /**
     * Heartbeats per node: about 500 a second across the fleet (failover-service decides about 2,000
     * events a second on 2 cores shared with the broker and the other services; see its throughput).
     */
    private long heartbeatMillis() {
        return Math.max(1_000, instances * 5L);
    }

    private long heartbeatsPerSecond() {
        return Math.round(instances * 2.5 * 1000 / heartbeatMillis());
    }

    private JavaProcess simulator(String bootstrap, String registryUrl, Path work) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("kafka.bootstrap.servers", bootstrap);
        props.put("schema.registry.url", registryUrl);
        props.put("http.port", String.valueOf(KafkaBroker.freePort()));
        props.put("sim.heartbeat-ms", String.valueOf(heartbeatMillis()));
        props.put("sim.provisioning-delay-ms", "50");
        return JavaProcess.module("simulator", "io.datastores.simulator.Simulator", props, work.resolve("logs"))
                .withHeap("1g").start();
    }

    /** Until marketplace's fleet view shows every instance READY. */
    private void awaitReady(int marketplacePort, String token, Duration timeout) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + marketplacePort
                + "/fleet/summary")).header("Authorization", "Bearer " + token).build();
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            var response = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                var ready = io.datastores.kit.json.JsonSerde.MAPPER.readTree(response.body()).path("byStatus")
                        .path("READY");
                if (ready.asLong() >= instances) {
                    return;
                }
            }
            Thread.sleep(1_000);
        }
        throw new IllegalStateException("the fleet was not READY within " + timeout);
    }

    private JavaProcess launch(String service, int port, String bootstrap, String registryUrl, Path work) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("kafka.bootstrap.servers", bootstrap);
        props.put("schema.registry.url", registryUrl);
        props.put("micronaut.server.port", String.valueOf(port));
        props.put("dcp.state.dir", work.resolve("state").resolve(service).toString());
        props.put("dcp.auth.secret-file", work.resolve("auth.secret").toString());
        props.put("dcp.marketplace.master-key-file", work.resolve("master.key").toString());
        // a node is silent only after three missed heartbeats at the fleet's heartbeat interval
        props.put("dcp.failover.heartbeat-timeout", heartbeatMillis() * 3 + "ms");
        // as ./dcp up: the first run writes a class-data archive when it stops, the restart maps it
        Path archive = work.resolve("cds").resolve(service + ".jsa");
        try {
            Files.createDirectories(archive.getParent());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return JavaProcess.module(service, MAIN.get(service), props, work.resolve("logs"))
                .withClassDataSharing(archive).start();
    }

    private static String health(int port) {
        return "http://127.0.0.1:" + port + "/health";
    }

    /**
     * Until every service keeps up: its group's unread records, over every topic it reads, at most a
     * few hundred (heartbeats keep flowing), three looks in a row. Returns the largest lag seen at the
     * last look (the figures are taken either way; the conditions say how far behind).
     */
    private static long awaitCaughtUp(String bootstrap, Duration timeout) throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        long worst = Long.MAX_VALUE;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            int quiet = 0;
            while (quiet < 3 && System.currentTimeMillis() < deadline) {
                worst = 0;
                for (String service : SERVICES) {
                    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(service)
                            .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                    var ends = StreamsRun.ends(admin, committed.keySet().stream().map(TopicPartition::topic)
                            .distinct().toList());
                    long lag = committed.isEmpty() ? Long.MAX_VALUE : 0;
                    for (var c : committed.entrySet()) {
                        Long end = ends.get(c.getKey());
                        lag += end == null ? 0 : Math.max(0, end - c.getValue().offset());
                    }
                    worst = Math.max(worst, lag);
                }
                quiet = worst <= 500 ? quiet + 1 : 0;
                Thread.sleep(2_000);
            }
        }
        return worst;
    }

    /**
     * What the JVM holds of the resident set, from {@code jcmd GC.heap_info}: the heap committed and
     * used, and the metaspace. The rest is RocksDB, code, threads and the C heap.
     */
    static String jvmShare(long pid) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(pid), "GC.heap_info").redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes());
            if (!jcmd.waitFor(30, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
                return "heap not read";
            }
            long committed = 0;
            long used = 0;
            long metaspace = 0;
            var sizes = java.util.regex.Pattern.compile("(total|used|committed) (\\d+)K");
            for (String line : out.split("\n")) {
                var m = sizes.matcher(line);
                boolean generation = line.contains("generation");
                while (m.find()) {
                    long kib = Long.parseLong(m.group(2));
                    if (generation && m.group(1).equals("total")) {
                        committed += kib;
                    } else if (generation && m.group(1).equals("used")) {
                        used += kib;
                    } else if (line.trim().startsWith("Metaspace") && m.group(1).equals("committed")) {
                        metaspace = kib;
                    }
                }
            }
            return String.format("heap %d MiB committed (%d used), metaspace %d MiB", committed / 1024, used / 1024,
                    metaspace / 1024);
        } catch (Exception e) {
            return "heap not read (" + e.getMessage() + ")";
        }
    }

    private static long rssKiB(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private static EventMetadata meta() {
        String id = UUID.randomUUID().toString();
        return new EventMetadata(id, id, null, Instant.now(), "benchmark");
    }
}
