package io.datastores.dataplane.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Processes by pid, from {@code /proc}: alive means running, not a zombie nobody reaped. */
final class Processes {

    private Processes() {
    }

    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            int close = stat.lastIndexOf(')');
            char state = stat.charAt(close + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Direct children of {@code pid} (a postmaster's backends and background processes). */
    static List<Long> children(long pid) {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(fields[1]) == pid) {
                        out.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            throw new EngineException("cannot list processes: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * A server whose postmaster died leaves its backends for a moment (they notice, and exit); a new
     * postmaster refuses to start while they hold the old shared memory. Waits for the processes
     * working in {@code dataDir} to go, and kills those left after {@code patience}.
     */
    static void awaitOrphansGone(Path dataDir, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        List<Long> left = inDirectory(dataDir);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            left = inDirectory(dataDir);
        }
        left.forEach(Processes::kill);
        left.forEach(pid -> awaitGone(pid, Duration.ofSeconds(5)));
    }

    /** Live processes whose working directory is {@code dir} (a server's processes work in its data directory). */
    static List<Long> inDirectory(Path dir) {
        List<Long> out = new ArrayList<>();
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            return out;
        }
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (Files.readSymbolicLink(p.resolve("cwd")).equals(real)) {
                        long pid = Long.parseLong(p.getFileName().toString());
                        if (alive(pid)) {
                            out.add(pid);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile, or not ours to read
                }
            }
        } catch (IOException e) {
            throw new EngineException("cannot list processes: " + e.getMessage(), e);
        }
        return out;
    }

    static void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    static void awaitGone(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (alive(pid) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
