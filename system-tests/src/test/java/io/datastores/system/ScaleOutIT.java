package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.ProducerRecord;
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
import io.datastores.events.Engine;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.testkit.KafkaBrokerExtension;
import io.datastores.testkit.SchemaRegistryExtension;

/**
 * Every service runs twice in one application id (they share the partitions, each keeps a standby
 * copy of the other's). Every keyed read, through either instance, answers 200 with the same body:
 * the instance that does not hold the key forwards the read to the one that does. Then one
 * failover-service instance is SIGKILLed, with standby replicas and without, and the test measures
 * how long its keys' reads pause and how long until their decisions (heartbeats) run on the other.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {

    private static final String ORG = "org-scale-out";
    private static final List<String> SERVICES = List.of("provisioning-service", "failover-service", "backup-service",
            "marketplace-service");
    private static final Map<String, List<String>> KEYED_READS = Map.of(
            "provisioning-service", List.of("/instances/%s"),
            "failover-service", List.of("/instances/%s/nodes", "/instances/%s/failovers"),
            "backup-service", List.of("/instances/%s/backups"),
            "marketplace-service", List.of("/instances/%s", "/instances/%s/history", "/instances/%s/credentials"));
    private static final List<String> PLANS = List.of("HOBBYIST", "STARTUP-2", "BUSINESS-4", "PREMIUM-8");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ControlPlane plane;
    private Platform platform;
    private final List<String> instances = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        ContractSerdes serdes = new ContractSerdes(SchemaRegistryExtension.url());
        plane = new ControlPlane(KafkaBrokerExtension.bootstrapServers(), SchemaRegistryExtension.url(),
                Files.createTempDirectory("scale-out")).start();
        platform = new Platform(KafkaBrokerExtension.bootstrapServers(), serdes);
        platform.pays(ORG, plane);
        SERVICES.forEach(s -> plane.launchReplica(s + "#2"));
        SERVICES.forEach(s -> plane.awaitHealthy(s + "#2"));
        try (var producer = platform.requests()) {
            for (int i = 0; i < 16; i++) {
                String plan = PLANS.get(i % PLANS.size());
                String id = "scale-" + plan.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8);
                instances.add(id);
                producer.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), id,
                        Platform.request(ORG, id, plan, Engine.POSTGRESQL))).get(30, TimeUnit.SECONDS);
            }
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> {
                    for (String id : instances) {
                        assertThat(platform.get(plane.url("marketplace-service", "/instances/" + id)).body())
                                .as(id).contains("\"status\":\"READY\"");
                    }
                });
    }

    @AfterAll
    void stop() {
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    @Order(1)
    @DisplayName("two instances of each service: every keyed read through either answers 200, and the same")
    void everyKeyAnswersThroughEitherInstance() throws Exception {
        Map<String, Integer> forwarded = new LinkedHashMap<>();
        for (String service : SERVICES) {
            for (String template : KEYED_READS.get(service)) {
                List<String> paths = new ArrayList<>();
                instances.forEach(id -> paths.add(template.formatted(id)));
                if (service.equals("provisioning-service")) {
                    paths.add("/organizations/" + ORG);
                }
                for (String path : paths) {
                    // heartbeats move some answers every second: the two are read back to back until they agree
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                        HttpResponse<String> first = platform.get(plane.url(service, path));
                        HttpResponse<String> second = platform.get(plane.url(service + "#2", path));
                        assertThat(first.statusCode()).as(service + " " + path + ": " + first.body()).isEqualTo(200);
                        assertThat(second.statusCode()).as(service + "#2 " + path + ": " + second.body())
                                .isEqualTo(200);
                        assertThat(JSON.readTree(second.body())).as(service + " " + path)
                                .isEqualTo(JSON.readTree(first.body()));
                    });
                    for (String name : List.of(service, service + "#2")) {
                        if (platform.get(plane.url(name, path)).headers().firstValue("X-Dcp-Answered-By").isPresent()) {
                            forwarded.merge(name, 1, Integer::sum);
                        }
                    }
                }
            }
        }
        System.out.println("ScaleOutIT forwarded reads by instance: " + forwarded);
        for (String service : SERVICES) {
            assertThat(forwarded).as("reads forwarded by each instance of " + service + " (the keys are split)")
                    .containsKeys(service, service + "#2");
        }
    }

    @Test
    @Order(2)
    @DisplayName("two instances of marketplace-service: every listing through either is the whole fleet, and the same")
    void everyListingIsWholeThroughEitherInstance() throws Exception {
        String org = "organization=" + ORG;
        List<String> paths = new ArrayList<>(List.of("/instances?" + org + "&size=500",
                "/marketplace?all=true&" + org + "&size=500", "/fleet/summary"));
        for (int page = 0; page < 4; page++) {
            paths.add("/instances?" + org + "&size=5&page=" + page);
        }
        for (String path : paths) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                HttpResponse<String> first = platform.get(plane.url("marketplace-service", path));
                HttpResponse<String> second = platform.get(plane.url("marketplace-service#2", path));
                assertThat(first.statusCode()).as(path + ": " + first.body()).isEqualTo(200);
                assertThat(second.statusCode()).as("#2 " + path + ": " + second.body()).isEqualTo(200);
                assertThat(JSON.readTree(second.body())).as(path).isEqualTo(JSON.readTree(first.body()));
            });
        }
        JsonNode all = JSON.readTree(platform.get(plane.url("marketplace-service#2", paths.get(0))).body());
        assertThat(all.get("total").asLong()).isEqualTo(instances.size());
        List<String> ids = new ArrayList<>();
        all.get("items").forEach(v -> ids.add(v.get("instanceId").asText()));
        assertThat(ids).containsExactlyElementsOf(instances.stream().sorted().toList());
        List<String> paged = new ArrayList<>();
        for (int page = 0; page < 4; page++) {
            JSON.readTree(platform.get(plane.url("marketplace-service", "/instances?" + org + "&size=5&page=" + page))
                    .body()).get("items").forEach(v -> paged.add(v.get("instanceId").asText()));
        }
        assertThat(paged).as("four pages of five: the sixteen, once each, in order").isEqualTo(ids);
        JsonNode listings = JSON.readTree(platform.get(plane.url("marketplace-service", paths.get(1))).body());
        assertThat(listings.get("total").asLong()).isEqualTo(instances.size());
    }

    @Test
    @Order(3)
    @DisplayName("failover-service#2 killed: its keys' reads answer from the standby at once, decisions resume after the rebalance")
    void aKilledInstancesKeysAnswerAgain() throws Exception {
        Pause withStandbys = killAndMeasure();
        // the same without standby replicas: both instances restarted with none, then #2 killed again
        for (String name : List.of("failover-service", "failover-service#2")) {
            plane.override(name, Map.of("kafka.streams.default.num.standby.replicas", "0"));
            plane.kill(name);
        }
        plane.relaunch("failover-service");
        plane.relaunch("failover-service#2");
        plane.awaitHealthy("failover-service");
        plane.awaitHealthy("failover-service#2");
        Pause withoutStandbys = killAndMeasure();
        System.out.printf("ScaleOutIT failover-service#2 SIGKILLed: its keys' reads went unanswered for %d ms with"
                + " standby replicas, %d ms without; its keys decided again on the other instance after %d ms with,"
                + " %d ms without%n", withStandbys.reads(), withoutStandbys.reads(), withStandbys.decisions(),
                withoutStandbys.decisions());
        // with standbys the other instance answers at once, but for the rebalance itself; without, until the
        // partitions are reassigned (session timeout 10 s) and restored
        assertThat(withStandbys.reads()).as("reads unanswered with standbys (ms)").isLessThan(4_000)
                .isLessThan(withoutStandbys.reads());
        assertThat(withStandbys.decisions()).as("decisions pause with standbys (ms)").isLessThan(30_000);
    }

    private record Pause(long reads, long decisions) {
    }

    /**
     * Kills failover-service#2 once reads are settled: for how long reads of its keys through the other
     * instance fail, and how long until that instance decides them (answers them as their active holder).
     */
    private Pause killAndMeasure() throws Exception {
        String second = plane.url("failover-service#2", "").replace("http://", "");
        List<String> held = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            held.clear();
            for (String id : instances) {
                HttpResponse<String> r = platform.get(plane.url("failover-service", "/instances/" + id + "/nodes"));
                assertThat(r.statusCode()).as(id + ": " + r.body()).isEqualTo(200);
                if (r.headers().firstValue("X-Dcp-Answered-By").orElse("").equals(second)) {
                    held.add(id);
                }
            }
            assertThat(held).as("keys failover-service#2 holds").isNotEmpty();
        });
        plane.kill("failover-service#2");
        long killed = System.nanoTime();
        long[] unanswered = {0}; // time during which some read of those keys failed
        long[] last = {killed};
        Map<String, Integer> seen = new LinkedHashMap<>();
        // sampled every 50 ms until the other instance answers every key as its active holder
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
            boolean allRead = true;
            boolean allLocal = true;
            for (String id : held) {
                HttpResponse<String> r = platform.get(plane.url("failover-service", "/instances/" + id + "/nodes"));
                allRead &= r.statusCode() == 200;
                String by = r.headers().firstValue("X-Dcp-Answered-By").orElse("here");
                String answer = r.statusCode() + (by.endsWith("(standby)") ? " standby" : by.equals("here") ? " here"
                        : " forwarded") + (r.statusCode() == 200 ? "" : " " + r.body().substring(0,
                        Math.min(90, r.body().length())));
                seen.merge(answer, 1, Integer::sum);
                // answered here as the active holder: this instance runs the key's task, and decides it
                allLocal &= r.statusCode() == 200 && by.equals("here")
                        && !JSON.readTree(r.body()).path("nodes").isEmpty();
            }
            long now = System.nanoTime();
            if (!allRead) {
                unanswered[0] += now - last[0];
            }
            last[0] = now;
            return allLocal;
        });
        long decided = System.nanoTime();
        System.out.println("ScaleOutIT answers after the kill (answer: count): " + seen);
        plane.relaunch("failover-service#2");
        plane.awaitHealthy("failover-service#2");
        return new Pause(TimeUnit.NANOSECONDS.toMillis(unanswered[0]), TimeUnit.NANOSECONDS.toMillis(decided - killed));
    }
}
