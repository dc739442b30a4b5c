package io.datastores.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.datastores.stack.KafkaBroker;

/**
 * The real schema registry (Apicurio, Confluent API, in memory) as a process, one per test JVM
 * that uses {@code @ExtendWith(SchemaRegistryExtension.class)}. It is the runner jar that the
 * {@code schema-registry} module builds.
 */
public final class SchemaRegistryExtension implements BeforeAllCallback {

    /** The Confluent-compatible API under the registry's root. */
    public static final String CONFLUENT_API = "/apis/ccompat/v7";

    private static String url;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SchemaRegistryExtension.class, k -> start(),
                        ExtensionContext.Store.CloseableResource.class);
    }

    /** The runner jar the schema-registry module builds. */
    public static Path runnerJar() {
        Path jar = ProjectLayout.module("schema-registry")
                .resolve("target/schema-registry-0.1.0-SNAPSHOT-runner.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with ./mvnw -pl schema-registry package");
        }
        return jar;
    }

    private static synchronized ExtensionContext.Store.CloseableResource start() {
        int port = KafkaBroker.freePort();
        Path logs = Path.of(System.getProperty("java.io.tmpdir"), "registry-logs");
        JavaProcess registry = JavaProcess.jar("schema-registry", runnerJar(),
                Map.of("quarkus.http.port", String.valueOf(port), "quarkus.http.host", "127.0.0.1"), logs)
                .start()
                .awaitHttpOk("http://127.0.0.1:" + port + CONFLUENT_API + "/subjects", Duration.ofSeconds(90));
        url = "http://127.0.0.1:" + port + CONFLUENT_API;
        return () -> {
            registry.close();
            url = null;
        };
    }

    /** The Confluent API base URL of the running registry. */
    public static synchronized String url() {
        if (url == null) {
            throw new IllegalStateException("annotate the test with @ExtendWith(SchemaRegistryExtension.class)");
        }
        return url;
    }
}
