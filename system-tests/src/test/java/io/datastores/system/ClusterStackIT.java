package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.datastores.contract.Topics;
import io.datastores.stack.KafkaBroker;
import io.datastores.testkit.ProjectLayout;

/**
 * {@code ./dcp up --brokers 3} as an operator runs it (its own stack directory and free ports, the
 * simulator for the engines): three brokers, every topic replicated three times with
 * {@code min.insync.replicas=2}; one broker SIGKILLed leaves the services healthy and {@code ./dcp
 * status} naming it DOWN; {@code ./dcp up} starts it again; a stack made with one broker refuses three.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterStackIT {

    private final Map<String, String> env = new LinkedHashMap<>();
    private Shell shell;
    private int kafkaPort;

    @BeforeAll
    void up() {
        env.putAll(DcpStack.environment("cluster-stack"));
        env.put("DCP_DATA_PLANE", "sim");
        // member n listens on the port plus 100 (n - 1): a base whose neighbours are free too
        kafkaPort = 21000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(400) * 2;
        env.put("DCP_KAFKA_PORT", String.valueOf(kafkaPort));
        env.put("DCP_CONTROLLER_PORT", String.valueOf(kafkaPort + 1));
        for (String variable : List.of("DCP_REGISTRY_PORT", "DCP_PROVISIONING_PORT", "DCP_FAILOVER_PORT",
                "DCP_BACKUP_PORT", "DCP_MARKETPLACE_PORT", "DCP_SIMULATOR_PORT", "DCP_DATAPLANE_PORT",
                "DCP_ENDPOINTS_PORT")) {
            env.put(variable, String.valueOf(KafkaBroker.freePort()));
        }
        shell = new Shell(ProjectLayout.root(), env);
        Shell.Result up = shell.run("./dcp up --brokers 3", Duration.ofSeconds(300));
        assertThat(up.exit()).as("./dcp up --brokers 3:\n%s", up.output()).isZero();
        assertThat(up.output()).contains("kafka-1", "kafka-2", "kafka-3");
    }

    @AfterAll
    void down() throws IOException {
        if (shell != null) {
            shell.run("./dcp down", Duration.ofSeconds(120));
            shell.close();
        }
        DcpStack.deleteData(env);
    }

    private String bootstrap() {
        return "127.0.0.1:" + kafkaPort + ",127.0.0.1:" + (kafkaPort + 100) + ",127.0.0.1:" + (kafkaPort + 200);
    }

    @Test
    @DisplayName("./dcp up --brokers 3: three replicas of every partition, one broker lost and brought back")
    void aReplicatedClusterSurvivesALostBroker() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
            Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertThat(topics).contains(Topics.INSTANCE_EVENTS.name());
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().forEach(d ->
                    d.partitions().forEach(p -> assertThat(p.replicas()).as(d.name()).hasSize(3)));
            var config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC,
                    Topics.INSTANCE_EVENTS.name()))).all().get(30, TimeUnit.SECONDS).values().iterator().next();
            assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
        }

        Shell.Result kill = shell.run("kill -9 \"$(cat \"$DCP_STACK_DIR/pids/kafka-2.pid\")\"", Duration.ofSeconds(10));
        assertThat(kill.exit()).as(kill.output()).isZero();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Shell.Result status = shell.run("./dcp status", Duration.ofSeconds(30));
            assertThat(status.output()).containsPattern("kafka-2\\s+\\S*\\s*DOWN");
            assertThat(status.output()).containsPattern("provisioning-service\\s+\\d+\\s+UP");
        });
        // with one broker of three gone, events are still written (acks from the two in sync) and decided
        Shell.Result paid = shell.run("./dcp publish dcp.billing-events examples/billing-paid.json", Duration.ofSeconds(90));
        assertThat(paid.exit()).as(paid.output()).isZero();
        Shell.Result requested = shell.run("./dcp publish dcp.instance-requests examples/instance-requested.json",
                Duration.ofSeconds(90));
        assertThat(requested.exit()).as(requested.output()).isZero();
        String id = "inst-orders-1"; // the file's first instance
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Shell.Result read = shell.run("curl -s -H \"Authorization: Bearer $(./dcp token --role operator)\" "
                    + "http://127.0.0.1:$DCP_PROVISIONING_PORT/instances/" + id, Duration.ofSeconds(60));
            assertThat(read.output()).as("provisioning's view of " + id).contains(id).contains("\"status\"");
        });

        Shell.Result again = shell.run("./dcp up", Duration.ofSeconds(300));
        assertThat(again.exit()).as("./dcp up again:\n%s", again.output()).isZero();
        Shell.Result status = shell.run("./dcp status", Duration.ofSeconds(30));
        assertThat(status.exit()).as(status.output()).isZero();
        assertThat(status.output()).containsPattern("kafka-2\\s+\\d+\\s+UP");
    }

    @Test
    @DisplayName("the broker count of a stack is fixed when it is made: another is refused with the remedy")
    void anotherBrokerCountIsRefused() {
        Shell.Result one = shell.run("./dcp up --brokers 1", Duration.ofSeconds(60));
        assertThat(one.exit()).isNotZero();
        assertThat(one.output()).contains("made with 3 broker(s)").contains("./dcp reset");
        Shell.Result two = shell.run("./dcp up --brokers 2", Duration.ofSeconds(60));
        assertThat(two.exit()).isNotZero();
        assertThat(two.output()).contains("--brokers takes 1, or 3 to 5");
    }
}
