package io.datastores.kit.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void writeReplacesTheWholeFileAndLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("sub/state.json");

        AtomicFiles.write(file, "first, and longer".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(file, "second".getBytes(StandardCharsets.UTF_8));

        assertThat(file).hasContent("second");
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-r--r--");
    }

    @Test
    void writePrivateIsForTheOwnerOnly() throws Exception {
        Path file = dir.resolve("secret.key");

        AtomicFiles.writePrivate(file, new byte[] {1, 2, 3});

        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    @Test
    void lockedRunsOneActionAtATime() throws Exception {
        Path lock = dir.resolve(".lock");
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();

        CompletableFuture<?>[] runs = IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.runAsync(() -> {
                    try {
                        AtomicFiles.locked(lock, () -> {
                            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            AtomicFiles.write(dir.resolve("f"), new byte[] {(byte) i});
                            return inside.decrementAndGet();
                        });
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })).toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(runs).join();

        assertThat(most).hasValue(1);
    }
}
