package io.datastores.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.datastores.stack.KafkaBroker;
import io.datastores.testkit.JavaProcess;
import io.datastores.testkit.SchemaRegistryExtension;

/**
 * A broker and a registry of a test's own, empty when it starts: what a user meets on a fresh stack.
 * The test JVM's shared ones ({@code KafkaBrokerExtension}, {@code SchemaRegistryExtension}) hold
 * whatever earlier test classes left there.
 */
final class FreshBackbone implements AutoCloseable {

    private final Path dir;
    private final KafkaBroker broker;
    private final JavaProcess registry;
    private final String registryUrl;

    private FreshBackbone(Path dir, KafkaBroker broker, JavaProcess registry, String registryUrl) {
        this.dir = dir;
        this.broker = broker;
        this.registry = registry;
        this.registryUrl = registryUrl;
    }

    /** Starts both, under a new temporary folder; returns once the registry answers. */
    static FreshBackbone start(String name) {
        try {
            Path dir = Files.createTempDirectory(name);
            KafkaBroker broker = KafkaBroker.onFreePorts(dir.resolve("kafka")).start();
            int port = KafkaBroker.freePort();
            JavaProcess registry = JavaProcess.jar("schema-registry", SchemaRegistryExtension.runnerJar(),
                    Map.of("quarkus.http.port", String.valueOf(port), "quarkus.http.host", "127.0.0.1"),
                    dir.resolve("registry-logs")).start();
            String url = "http://127.0.0.1:" + port + SchemaRegistryExtension.CONFLUENT_API;
            try {
                registry.awaitHttpOk(url + "/subjects", Duration.ofSeconds(90));
            } catch (RuntimeException e) {
                registry.close();
                broker.close();
                throw e;
            }
            return new FreshBackbone(dir, broker, registry, url);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The registry's Confluent API. */
    String registryUrl() {
        return registryUrl;
    }

    /** A folder for the test's own files. */
    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        registry.close();
        broker.close();
    }
}
