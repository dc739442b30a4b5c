package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.datastores.contract.Topics;
import io.datastores.events.BackupEventEnvelope;
import io.datastores.events.BackupExpired;
import io.datastores.events.Engine;
import io.datastores.kit.json.JsonSerde;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.testkit.KafkaBrokerExtension;
import io.datastores.testkit.SchemaRegistryExtension;

/**
 * Days of simulated time on the real broker and registry: the simulator's clock runs 8,640 times
 * faster than the wall (a day in ten seconds), and backup-service keeps the plan's window.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupWindowIT {

    private static final String ORG = "org-backups";
    private ControlPlane plane;
    private Platform platform;
    private ContractSerdes serdes;

    @BeforeAll
    void start() throws Exception {
        serdes = new ContractSerdes(SchemaRegistryExtension.url());
        plane = new ControlPlane(KafkaBrokerExtension.bootstrapServers(), SchemaRegistryExtension.url(),
                Files.createTempDirectory("backup-window"), Map.of(
                        "sim.clock-speed", "8640",
                        "sim.provisioning-delay-ms", "60000",
                        "sim.backup-ms", "600000",
                        "dcp.timer-interval", "500ms",
                        // heartbeats keep the wall clock's cadence: 2.4 simulated hours apart at 8640x
                        "dcp.failover.heartbeat-timeout", "1d")).start();
        platform = new Platform(KafkaBrokerExtension.bootstrapServers(), serdes);
        platform.pays(ORG, plane);
    }

    @AfterAll
    void stop() {
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    @DisplayName("a Startup PostgreSQL instance through simulated days keeps exactly its 2-day window restorable")
    void theRestoreWindowFollowsThePlan() throws Exception {
        String id = "backups-" + UUID.randomUUID();
        try (var producer = platform.requests()) {
            producer.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), id,
                    Platform.request(ORG, id, "STARTUP-4", Engine.POSTGRESQL))).get(30, TimeUnit.SECONDS);
        }
        String url = plane.url("backup-service", "/instances/" + id + "/restore-window");
        Duration promised = Duration.ofDays(2);
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode w = JsonSerde.MAPPER.readTree(platform.get(url).body());
            assertThat(w.path("retentionDays").asInt()).isEqualTo(2);
            assertThat(w.path("start").isTextual()).as("a restore point exists: %s", w).isTrue();
            Instant start = Instant.parse(w.get("start").asText());
            Instant end = Instant.parse(w.get("end").asText());
            assertThat(Duration.between(start, end)).as("the whole window is restorable: %s", w)
                    .isGreaterThanOrEqualTo(promised);
            assertThat(Duration.between(start, end)).as("nothing kept past the window plus a day: %s", w)
                    .isLessThanOrEqualTo(promised.plusDays(1).plusHours(1));
        });

        JsonNode w = JsonSerde.MAPPER.readTree(platform.get(url).body());
        Instant end = Instant.parse(w.get("end").asText());
        HttpResponse<String> inside = platform.get(plane.url("backup-service", "/instances/" + id
                + "/restore-plan?at=" + end.minus(Duration.ofDays(1))));
        assertThat(inside.statusCode()).isEqualTo(200);
        assertThat(inside.body()).contains("baseBackupId");
        HttpResponse<String> outside = platform.get(plane.url("backup-service", "/instances/" + id
                + "/restore-plan?at=" + end.minus(Duration.ofDays(30))));
        assertThat(outside.statusCode()).isEqualTo(422);
        assertThat(outside.body()).contains("outside the restorable window");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(JsonSerde.MAPPER.readTree(platform.get(
                plane.url("marketplace-service", "/instances/" + id)).body()).path("backupWindow").path("retentionDays")
                .asInt()).as("the fleet view shows the backup window").isEqualTo(2));

        String schedule = plane.url("backup-service", "/instances/" + id + "/backup-schedule");
        assertThat(platform.put(schedule, "{\"minuteOfDay\": 1440}").statusCode()).isEqualTo(400);
        assertThat(platform.put(schedule, "{\"minuteOfDay\": 90}").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(platform.get(
                plane.url("backup-service", "/instances/" + id + "/backups")).body()).contains("\"scheduleMinute\":90"));

        try (TopicReader reader = new TopicReader(KafkaBrokerExtension.bootstrapServers(), Topics.BACKUP_EVENTS.name())) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(reader.poll().stream()
                    .filter(r -> id.equals(r.key()))
                    .map(r -> serdes.value(Topics.BACKUP_EVENTS).deserializer().deserialize(r.topic(), r.value()))
                    .map(BackupEventEnvelope::getPayload))
                    .as("backups left the window").anyMatch(BackupExpired.class::isInstance));
        }
    }
}
