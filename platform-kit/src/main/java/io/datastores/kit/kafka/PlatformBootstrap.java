package io.datastores.kit.kafka;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.datastores.contract.TopicSpec;
import io.datastores.contract.Topics;
import io.datastores.kit.serde.SchemaRegistry;
import io.datastores.kit.serde.SchemaRegistryException;

/**
 * What a service makes sure of before its topology starts: every topic of the catalogue and its
 * dead-letter topic exist, and the registry enforces BACKWARD_TRANSITIVE on every value subject
 * (some registries default to NONE). Idempotent; every service runs it, whichever starts first.
 */
public final class PlatformBootstrap {

    public static final String COMPATIBILITY = "BACKWARD_TRANSITIVE";
    private static final Logger LOG = LoggerFactory.getLogger(PlatformBootstrap.class);

    private PlatformBootstrap() {
    }

    public static void prepare(String bootstrapServers, SchemaRegistry registry, Duration registryWait) {
        List<String> created = TopicAdmin.ensure(bootstrapServers, Topics.ALL, true);
        if (!created.isEmpty()) {
            LOG.info("created topics {}", created);
        }
        long deadline = System.nanoTime() + registryWait.toNanos();
        while (true) {
            try {
                for (TopicSpec<?> topic : Topics.ALL) {
                    registry.setCompatibility(topic.valueSubject(), COMPATIBILITY);
                }
                return;
            } catch (SchemaRegistryException e) {
                if (e.status() != 0 || System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.info("waiting for the schema registry: {}", e.getMessage());
                sleep();
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
