package io.datastores.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JVM started from a module's build output (its {@code target/classes} and
 * {@code target/classpath.txt}), with its output in a log file; stopped gently or with SIGKILL.
 */
public final class JavaProcess implements AutoCloseable {

    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;

    private JavaProcess(String name, List<String> command, Path log) {
        this.name = name;
        this.command = command;
        this.log = log;
    }

    /** A module's main class, with system properties. */
    public static JavaProcess module(String module, String mainClass, Map<String, String> properties,
            Path logDir) {
        Path dir = ProjectLayout.module(module);
        Path classpathFile = dir.resolve("target/classpath.txt");
        if (!Files.exists(classpathFile)) {
            throw new IllegalStateException(classpathFile + " is missing: build the module first (./mvnw package)");
        }
        String classpath;
        try {
            classpath = dir.resolve("target/classes") + java.io.File.pathSeparator
                    + Files.readString(classpathFile).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of(javaBin(), "-Xms64m", "-Xmx128m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        return new JavaProcess(module, command, logDir.resolve(module + ".log"));
    }

    /** The same command with {@code args} after the main class (or jar). */
    public JavaProcess withArgs(String... args) {
        List<String> withArgs = new ArrayList<>(command);
        withArgs.addAll(List.of(args));
        return new JavaProcess(name, withArgs, log);
    }

    /** The same command with a larger heap. */
    public JavaProcess withHeap(String max) {
        List<String> changed = new ArrayList<>(command);
        changed.replaceAll(a -> a.startsWith("-Xmx") ? "-Xmx" + max : a);
        return new JavaProcess(name, changed, log);
    }

    /**
     * The same module process with class-data sharing, as {@code ./dcp up} runs the services: its
     * classes come from the module's jar (an archive cannot hold classes from a directory); if
     * {@code archive} exists, classes are mapped from it; if not, the JVM writes it when the process
     * ends gently ({@link #close}), for the next start. Measured: failover-service healthy in 1.4 to
     * 2.4 s with the archive, 3.2 to 4.5 s without.
     */
    public JavaProcess withClassDataSharing(Path archive) {
        List<String> changed = new ArrayList<>(command);
        int cp = changed.indexOf("-cp");
        String classpath = changed.get(cp + 1);
        String classes = classpath.split(java.io.File.pathSeparator, 2)[0];
        if (!classes.endsWith("target" + java.io.File.separator + "classes")) {
            throw new IllegalStateException("not a module process: " + name);
        }
        Path target = Path.of(classes).getParent();
        String module = target.getParent().getFileName().toString();
        Path jar;
        try (var jars = Files.list(target)) {
            jar = jars.filter(f -> f.getFileName().toString().startsWith(module + "-")
                    && f.getFileName().toString().matches(".*-[0-9][^-]*(-SNAPSHOT)?\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException(module + " has no jar in " + target
                            + ": build it with ./mvnw package"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        changed.set(cp + 1, jar + classpath.substring(classes.length()));
        changed.add(cp, "-Xlog:cds=error,cds+dynamic=error");
        changed.add(cp, Files.exists(archive) ? "-XX:SharedArchiveFile=" + archive
                : "-XX:ArchiveClassesAtExit=" + archive);
        return new JavaProcess(name, changed, log);
    }

    /** A runnable jar, with system properties. */
    public static JavaProcess jar(String name, Path jar, Map<String, String> properties, Path logDir) {
        List<String> command = new ArrayList<>(List.of(javaBin(), "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toString());
        return new JavaProcess(name, command, logDir.resolve(name + ".log"));
    }

    public JavaProcess start() {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command);
            // as ./dcp up: two malloc arenas, not one per core and thread (RocksDB allocates natively)
            builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
            // ... and RocksDB's memtable blocks mapped and unmapped, not left in the C heap after a flush
            builder.environment().putIfAbsent("MALLOC_MMAP_THRESHOLD_", "131072");
            process = builder
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            Process started = process;
            // a test or benchmark stopped midway (Ctrl-C, a CI timeout) leaves no process behind
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code url} answers 2xx, or fails with the tail of the log. */
    public JavaProcess awaitHttpOk(String url, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastAnswer = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    return this;
                }
                lastAnswer = "HTTP " + response.statusCode() + " " + response.body();
            } catch (IOException e) {
                lastAnswer = e.toString(); // not up yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            pause();
        }
        throw new IllegalStateException(name + " not healthy at " + url + " after " + timeout + " (last: "
                + lastAnswer + "):\n" + tail());
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitFor();
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** The last lines of the log, for failure messages. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void waitFor() {
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
