package io.datastores.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.datastores.stack.KafkaBroker;

/**
 * One real Kafka broker (KRaft, in this JVM) for every test class of the JVM that uses
 * {@code @ExtendWith(KafkaBrokerExtension.class)}; it stops when the JVM's tests end. Its data
 * lives under {@code java.io.tmpdir}, which the build points at {@code target/}.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback {

    private static KafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(KafkaBrokerExtension.class, k -> start(),
                        ExtensionContext.Store.CloseableResource.class);
    }

    private static synchronized ExtensionContext.Store.CloseableResource start() {
        try {
            Path dir = Files.createTempDirectory("kafka-broker");
            broker = KafkaBroker.onFreePorts(dir).start();
            return () -> {
                broker.close();
                broker = null;
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The broker's address; the extension must have started it. */
    public static synchronized String bootstrapServers() {
        if (broker == null) {
            throw new IllegalStateException("annotate the test with @ExtendWith(KafkaBrokerExtension.class)");
        }
        return broker.bootstrapServers();
    }
}
