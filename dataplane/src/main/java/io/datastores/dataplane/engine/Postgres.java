package io.datastores.dataplane.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's own tools, thinly: {@code initdb}, {@code pg_ctl}, {@code pg_basebackup},
 * {@code pg_rewind}, {@code pg_waldump}, {@code pg_controldata}. Every server runs as the unprivileged
 * user of the {@link Shell}; passwords reach the tools through password files, never arguments.
 */
public final class Postgres {

    public static final String AGENT = "dcp_agent";
    private static final Duration QUICK = Duration.ofSeconds(30);
    private static final Duration SLOW = Duration.ofMinutes(5);

    private final Path bin;
    private final Shell shell;

    public Postgres(Path bin, Shell shell) {
        this.bin = bin;
        this.shell = shell;
    }

    public Shell shell() {
        return shell;
    }

    /** Which of the tools this machine lacks (empty: PostgreSQL is installed). */
    public static List<String> missingTools(Path bin) {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("initdb", "pg_ctl", "postgres", "pg_basebackup", "pg_rewind", "pg_waldump",
                "pg_controldata")) {
            if (!Files.isExecutable(bin.resolve(tool))) {
                missing.add(tool);
            }
        }
        return missing;
    }

    /** A new cluster whose bootstrap superuser is the data plane's agent (password from a private file). */
    public void initdb(Path data, Path agentPasswordFile) {
        shell.run(List.of(tool("initdb"), "-D", data.toString(), "-U", AGENT, "--pwfile=" + agentPasswordFile,
                "--auth-local=peer", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"),
                QUICK);
    }

    /** Writes the files the data plane owns in a data directory. */
    public void writeConfig(Path data, String autoConf, String hba) {
        shell.privateFile(data.resolve("postgresql.auto.conf"), autoConf);
        shell.privateFile(data.resolve("pg_hba.conf"), hba);
    }

    /** Starts the server and waits until it accepts connections (a standby: until it is consistent). */
    public void start(Path data, Path log) {
        clearStaleLock(data);
        if (!running(data)) {
            Processes.awaitOrphansGone(data, Duration.ofSeconds(5));
        }
        try {
            shell.run(List.of(tool("pg_ctl"), "-D", data.toString(), "-l", log.toString(), "-w", "-t", "60", "-s",
                    "start"), Duration.ofSeconds(70));
        } catch (EngineException e) {
            throw new EngineException("the server did not start: " + Shell.tail(read(log)), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops it: {@code fast} (clean: a shutdown checkpoint, standbys sent everything) or {@code immediate}. */
    public void stop(Path data, String mode) {
        if (!running(data)) {
            clearStaleLock(data);
            return;
        }
        shell.run(List.of(tool("pg_ctl"), "-D", data.toString(), "-m", mode, "-w", "-t", "60", "-s", "stop"),
                Duration.ofSeconds(70));
    }

    /** Re-reads the settings files. */
    public void reload(Path data) {
        shell.run(List.of(tool("pg_ctl"), "-D", data.toString(), "-s", "reload"), QUICK);
    }

    /** Marks a stopped data directory as a standby's: it starts in recovery and streams. */
    public void markStandby(Path data) {
        shell.privateFile(data.resolve("standby.signal"), "");
    }

    /** A copy of the server at {@code port} for a standby, with its own replication slot. */
    public void baseBackup(Path target, int port, String slot, Path passFile, Path caFile) {
        shell.run(List.of(tool("pg_basebackup"), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", "replicator",
                "-D", target.toString(), "-X", "stream", "-C", "-S", slot, "-c", "fast", "--no-password"),
                SLOW, Map.of("PGPASSFILE", passFile.toString(), "PGSSLMODE", "verify-ca",
                        "PGSSLROOTCERT", caFile.toString()));
    }

    /**
     * Rewinds a stopped server onto the history of the one at {@code sourcePort}; returns where the
     * two diverged (empty when no rewind was needed).
     */
    public Optional<Long> rewind(Path data, int sourcePort, Path passFile, Path caFile) {
        clearStaleLock(data);
        String out = shell.run(List.of(tool("pg_rewind"), "-D", data.toString(), "--source-server=host=127.0.0.1 port="
                + sourcePort + " user=" + AGENT + " dbname=postgres sslmode=verify-ca sslrootcert=" + caFile),
                SLOW, Map.of("PGPASSFILE", passFile.toString()));
        Matcher m = Pattern.compile("diverged at WAL location ([0-9A-F]+/[0-9A-F]+)").matcher(out);
        return m.find() ? Optional.of(Lsn.parse(m.group(1))) : Optional.empty();
    }

    /**
     * The end of the WAL a (stopped) server holds, reading from {@code from} on timeline {@code timeline}:
     * where its last valid record ends.
     */
    public long endOfWal(Path data, long from, int timeline) {
        List<String> command = List.of(tool("pg_waldump"), "-p", data.resolve("pg_wal").toString(), "-t",
                String.valueOf(timeline), "-s", Lsn.format(from), "-q");
        String out;
        try {
            out = shell.run(command, QUICK);
        } catch (EngineException e) {
            out = e.getMessage(); // pg_waldump ends with an error where the valid records end
        }
        Matcher m = Pattern.compile("invalid record length at ([0-9A-F]+/[0-9A-F]+)").matcher(out);
        Matcher zero = Pattern.compile("(?:at|record at) ([0-9A-F]+/[0-9A-F]+)").matcher(out);
        if (m.find()) {
            return Lsn.parse(m.group(1));
        }
        long last = from;
        while (zero.find()) {
            last = Math.max(last, Lsn.parse(zero.group(1)));
        }
        return last;
    }

    /** From {@code pg_controldata}: the latest checkpoint's location and timeline. */
    public Checkpoint checkpoint(Path data) {
        String out = shell.run(List.of(tool("pg_controldata"), data.toString()), QUICK);
        Matcher location = Pattern.compile("Latest checkpoint location:\\s+([0-9A-F]+/[0-9A-F]+)").matcher(out);
        Matcher timeline = Pattern.compile("Latest checkpoint's TimeLineID:\\s+(\\d+)").matcher(out);
        if (!location.find() || !timeline.find()) {
            throw new EngineException("pg_controldata printed no checkpoint for " + data);
        }
        return new Checkpoint(Lsn.parse(location.group(1)), Integer.parseInt(timeline.group(1)));
    }

    /** A checkpoint's location and timeline. */
    public record Checkpoint(long location, int timeline) {
    }

    /** Whether the server's postmaster is alive (a dead one may linger as a zombie: that is not alive). */
    public boolean running(Path data) {
        return postmaster(data).map(Processes::alive).orElse(false);
    }

    /** Kills the postmaster (a crash), or the postmaster and every process it started (its machine is gone). */
    public void kill(Path data, boolean everything) {
        Optional<Long> pid = postmaster(data);
        if (pid.isEmpty() || !Processes.alive(pid.get())) {
            return;
        }
        if (everything) {
            Processes.children(pid.get()).forEach(Processes::kill);
        }
        Processes.kill(pid.get());
        Processes.awaitGone(pid.get(), Duration.ofSeconds(5));
    }

    /** The postmaster's pid, from its lock file. */
    Optional<Long> postmaster(Path data) {
        return firstLineNumber(data.resolve("postmaster.pid"));
    }

    /**
     * A postmaster that died leaves its lock file, and where nothing reaps orphans it lingers as a
     * zombie that still "exists": PostgreSQL would then refuse to start. A lock whose process is not
     * alive is stale, and goes.
     */
    private void clearStaleLock(Path data) {
        Optional<Long> pid = postmaster(data);
        if (pid.isPresent() && !Processes.alive(pid.get())) {
            deleteStale(data.resolve("postmaster.pid"));
        }
        socketDirectory(data).ifPresent(dir -> {
            try (var files = Files.list(dir)) {
                for (Path lock : files.filter(f -> f.getFileName().toString().endsWith(".lock")).toList()) {
                    Optional<Long> owner = firstLineNumber(lock);
                    if (owner.isEmpty() || !Processes.alive(owner.get())) {
                        deleteStale(lock);
                        deleteStale(lock.resolveSibling(lock.getFileName().toString().replaceFirst("\\.lock$", "")));
                    }
                }
            } catch (IOException e) {
                throw new EngineException("cannot read " + dir + ": " + e.getMessage(), e);
            }
        });
    }

    /** Where the server keeps its socket and the socket's lock file (from the settings the data plane wrote). */
    private static Optional<Path> socketDirectory(Path data) {
        String conf = read(data.resolve("postgresql.auto.conf"));
        Matcher m = Pattern.compile("(?m)^unix_socket_directories = '([^']*)'").matcher(conf);
        return m.find() && !m.group(1).isBlank() ? Optional.of(Path.of(m.group(1))).filter(Files::isDirectory)
                : Optional.empty();
    }

    private static Optional<Long> firstLineNumber(Path file) {
        try {
            String first = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
            return first.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(first));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void deleteStale(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new EngineException("cannot remove the stale lock " + file + ": " + e.getMessage(), e);
        }
    }

    private String tool(String name) {
        return bin.resolve(name).toString();
    }
}
