package io.datastores.kit.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.datastores.contract.SchemaHistory;
import io.datastores.contract.TopicSpec;
import io.datastores.contract.Topics;
import io.datastores.kit.serde.SchemaRegistry;
import io.datastores.kit.serde.SchemaRegistryException;

/**
 * What a service makes sure of before its topology starts: every topic of the catalogue and its
 * dead-letter topic exist; the registry enforces BACKWARD_TRANSITIVE on every value subject (some
 * registries default to NONE); and every value subject holds the contract's schemas, each stored
 * version in order and then the current one. So a producer that registers nothing
 * ({@code auto.register.schemas=false}, as production setups of Confluent's serializer run) finds
 * the latest version of every topic, input topics included, and records written by producers of
 * older versions keep their ids. Idempotent; every service runs it, whichever starts first.
 *
 * <p>It reads before it writes: a registry that already holds all of it is only asked (about 0.3 s).
 * Writers should not meet on a fresh registry: Apicurio's database serialises every write on one
 * id sequence, and five processes registering at once each waited out its 2 s lock timeouts, 57 s
 * to 164 s in all where one alone takes 3.6 s. So whoever starts several services together
 * ({@code ./dcp up}, the system tests, the benchmarks) runs this once first.
 */
public final class PlatformBootstrap {

    public static final String COMPATIBILITY = "BACKWARD_TRANSITIVE";
    /** Attempts at a request that meets a conflict (another service creating the same thing). */
    static final int CONFLICT_ATTEMPTS = 5;
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
                prepareRegistry(registry);
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

    /** Every value subject's compatibility level and schemas, each written only where it differs. */
    static void prepareRegistry(SchemaRegistry registry) {
        for (TopicSpec<?> topic : Topics.ALL) {
            String subject = topic.valueSubject();
            if (!registry.compatibility(subject).filter(COMPATIBILITY::equals).isPresent()) {
                againAfterConflicts(() -> registry.setCompatibility(subject, COMPATIBILITY));
            }
            registerSchemas(registry, topic);
        }
    }

    /**
     * Registers the stored versions of a topic's value schema, oldest first, then the current one.
     * Only what comes after the newest of them the subject already holds is registered: a registry
     * that holds the current schema is left as it is (one look-up), and an older version is never
     * registered after a newer one, where it would become the subject's latest.
     */
    static void registerSchemas(SchemaRegistry registry, TopicSpec<?> topic) {
        String subject = topic.valueSubject();
        List<Schema> wanted = new ArrayList<>(SchemaHistory.packaged(subject));
        wanted.add(topic.valueSchema());
        int held = newestHeld(registry, subject, wanted);
        if (held >= 0 && held < wanted.size() - 2) {
            LOG.info("{} holds stored version v{}; registering the versions after it", subject,
                    held + 1);
        }
        for (Schema schema : wanted.subList(held + 1, wanted.size())) {
            register(registry, subject, schema);
        }
    }

    private static void register(SchemaRegistry registry, String subject, Schema schema) {
        againAfterConflicts(() -> registry.register(subject, schema));
    }

    /**
     * Runs an idempotent registry request, again after a 409: services starting together on a fresh
     * registry race to create a subject or its compatibility rule, and Apicurio answers all but one
     * "already exists". A 409 that stays (a schema the subject's compatibility refuses) is thrown.
     */
    private static void againAfterConflicts(Runnable request) {
        for (int attempt = 1; ; attempt++) {
            try {
                request.run();
                return;
            } catch (SchemaRegistryException e) {
                if (e.status() != 409 || attempt >= CONFLICT_ATTEMPTS) {
                    throw e;
                }
                pause(50L * attempt);
            }
        }
    }

    private static boolean isRegistered(SchemaRegistry registry, String subject, Schema schema) {
        try {
            registry.lookup(subject, schema);
            return true;
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return false;
            }
            throw e;
        }
    }

    /**
     * The index of the newest of {@code wanted} the subject holds; -1 when none. Each is looked up:
     * Apicurio answers 40401 (not 40403) for a schema its subject does not hold.
     */
    private static int newestHeld(SchemaRegistry registry, String subject, List<Schema> wanted) {
        for (int i = wanted.size() - 1; i >= 0; i--) {
            if (isRegistered(registry, subject, wanted.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static void sleep() {
        pause(500);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
