package io.datastores.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL server's memory as its proportional set size: each page shared by {@code n} processes
 * counts {@code 1/n} to each, so the postmaster and its children (backends, walsenders, the
 * checkpointer...) sum to what the server costs the machine, shared buffers touched included, once.
 * Read from {@code /proc/<pid>/smaps_rollup}.
 */
final class Pss {

    private Pss() {
    }

    /** The {@code Pss:} line of an {@code smaps_rollup} text, in KiB. */
    static long parseKiB(String smapsRollup) {
        for (String line : smapsRollup.split("\n")) {
            if (line.startsWith("Pss:")) {
                return Long.parseLong(line.substring(4).replace("kB", "").trim());
            }
        }
        throw new IllegalArgumentException("no Pss line in smaps_rollup");
    }

    /** The sum of the {@code Pss:} lines of several processes' {@code smaps_rollup} texts, in KiB. */
    static long sumKiB(List<String> smapsRollups) {
        return smapsRollups.stream().mapToLong(Pss::parseKiB).sum();
    }

    /** The parent pid in a {@code /proc/<pid>/stat} line (the field after the state, past the name). */
    static long parentPid(String stat) {
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(rest[1]);
    }

    /** The server's PSS in KiB: its postmaster (first line of {@code postmaster.pid}) and every child. */
    static long ofServer(Path dataDir) throws IOException {
        long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        List<String> rollups = new ArrayList<>();
        rollups.add(Files.readString(Path.of("/proc", String.valueOf(postmaster), "smaps_rollup")));
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (parentPid(Files.readString(proc.resolve("stat"))) == postmaster) {
                        rollups.add(Files.readString(proc.resolve("smaps_rollup")));
                    }
                } catch (IOException | RuntimeException e) {
                    // a backend that ended meanwhile
                }
            }
        }
        return sumKiB(rollups);
    }
}
