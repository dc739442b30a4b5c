package io.datastores.system;

import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import io.datastores.testkit.SchemaRegistryExtension;

/**
 * The same backbone tests on Testcontainers' Kafka (KRaft, the broker version of our clients),
 * where a Docker engine exists. Without Docker they are reported as skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
@ExtendWith(SchemaRegistryExtension.class)
class BackboneOnTestcontainersIT extends AbstractBackboneIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.4.0");

    @Override
    String bootstrapServers() {
        return KAFKA.getBootstrapServers();
    }

    @Override
    String registryUrl() {
        return SchemaRegistryExtension.url();
    }
}
