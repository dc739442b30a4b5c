package io.datastores.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/**
 * The {@code kafka} part of {@code /health}: UP with the cluster's id and live brokers when the
 * cluster answers within two seconds, DOWN with the client's reason otherwise. (micronaut-kafka's own
 * indicator is built against kafka-clients 3.x: a service switches it off, {@code kafka.health.enabled:
 * false}, and this one answers in its place.)
 */
@Singleton
@Requires(property = "kafka.health.enabled", value = "false")
public class BrokerHealth extends AbstractHealthIndicator<Map<String, Object>> {

    private final String bootstrapServers;
    private volatile Admin admin;

    public BrokerHealth(@Value("${kafka.bootstrap.servers}") String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        Map<String, Object> details = new LinkedHashMap<>();
        try {
            DescribeClusterResult cluster = admin().describeCluster(new DescribeClusterOptions().timeoutMs(2_000));
            details.put("clusterId", cluster.clusterId().get(2, TimeUnit.SECONDS));
            details.put("brokers", cluster.nodes().get(2, TimeUnit.SECONDS).stream().map(Node::id).sorted().toList());
            healthStatus = HealthStatus.UP;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            details.put("error", e.getCause() != null ? e.getCause().toString() : e.toString());
            healthStatus = HealthStatus.DOWN;
        }
        return details;
    }

    @Override
    protected String getName() {
        return "kafka";
    }

    private Admin admin() {
        if (admin == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000,
                            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000));
                }
            }
        }
        return admin;
    }

    @PreDestroy
    void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
