package io.datastores.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.datastores.stack.KafkaBroker;

/**
 * The benchmark harness: {@code ./bench [--quick] [--out DIR] [--commit-interval-ms N]}. Starts an
 * embedded KRaft broker, runs each benchmark on it, prints a table and writes {@code results.csv}
 * and {@code results.png} to the output directory (default {@code benchmarks/target/bench}).
 * {@code --quick} runs fewer samples (a smoke run, not figures to quote). The real-data-plane group
 * (PostgreSQL servers) runs from the command line only, never from {@link #run(Path, boolean, long)}.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Path out = Path.of("benchmarks/target/bench");
        long commitInterval = 50; // failover-service's commit.interval.ms (application.yml)
        String only = null;
        Integer fleet = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--commit-interval-ms" -> commitInterval = Long.parseLong(args[++i]);
                case "--only" -> only = args[++i];
                case "--instances" -> fleet = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: ./bench [--quick] [--out DIR] [--commit-interval-ms N]"
                            + " [--only throughput|failover|provisioning|rebuild|latency|footprint|jmh|real] [--instances N]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(out);
        List<Result> results = run(out, quick, commitInterval, only, fleet, true);
        String machine = machine();
        System.out.print(Report.table(results, machine));
        Report.csv(results, machine, out.resolve("results.csv"));
        Report.chart(results, out.resolve("results.png"));
        System.out.println("wrote " + out.resolve("results.csv") + " and " + out.resolve("results.png"));
    }

    /** Every group but the real data plane's (what CI's smoke test runs: it has no time for servers). */
    static List<Result> run(Path out, boolean quick, long commitInterval) throws Exception {
        return run(out, quick, commitInterval, null, null, false);
    }

    /**
     * {@code only}: one group of figures (throughput, latency, footprint, jmh, real), or all when null;
     * {@code fleet}: the footprint's number of instances (100,000; 300 quick) when null; {@code real}:
     * whether "all" includes the real data plane's group.
     */
    static List<Result> run(Path out, boolean quick, long commitInterval, String only, Integer fleet, boolean real)
            throws Exception {
        Path work = Files.createTempDirectory("dcp-bench");
        try {
            return runIn(work, quick, commitInterval, only, fleet, real);
        } finally {
            deleteRecursively(work); // brokers' logs and state stores: gigabytes after a full run
        }
    }

    private static List<Result> runIn(Path work, boolean quick, long commitInterval, String only, Integer fleet,
            boolean real) throws Exception {
        List<Result> results = new ArrayList<>();
        // each benchmark on a broker of its own: its records are the only ones there
        if (only == null || only.equals("throughput") || only.equals("failover")
                || only.equals("rebuild") || only.equals("provisioning")) {
            // provisioning's requests: several seconds for the identity topology in the full run
            // (37,000 to 61,000 events/s), minutes for the service (all its stages: StreamsRun)
            Throughput.Settings settings = quick ? new Throughput.Settings(10_000, 2_000, 10_000)
                    : new Throughput.Settings(300_000, 300_000, 1_000_000);
            if ("failover".equals(only)) { // failover-service's throughput and capacity alone
                settings = new Throughput.Settings(settings.heartbeats(), 0, 0);
            }
            if ("provisioning".equals(only)) { // provisioning-service's throughput alone
                settings = new Throughput.Settings(0, settings.requests(), 0);
            }
            if ("rebuild".equals(only)) { // the projection rebuild alone
                settings = new Throughput.Settings(0, 0, settings.projectionEvents());
            }
            try (KafkaBroker broker = KafkaBroker.onFreePorts(work.resolve("broker-throughput"))
                    .start();
                    KafkaBroker own = KafkaBroker.onFreePorts(work.resolve("broker-provisioning"))
                            .start()) {
                results.addAll(new Throughput(settings).run(broker.bootstrapServers(),
                        own.bootstrapServers(), work.resolve("throughput")));
            }
        }
        if (only == null || only.equals("latency")) {
            FailoverLatency.Settings settings = quick
                    ? new FailoverLatency.Settings(60, 40, 1_000, commitInterval, Duration.ofSeconds(5))
                    : new FailoverLatency.Settings(600, 500, 1_000, commitInterval, Duration.ofSeconds(15));
            try (KafkaBroker broker = KafkaBroker.onFreePorts(work.resolve("broker")).start()) {
                results.addAll(new FailoverLatency(settings).run(broker.bootstrapServers(), work.resolve("failover")));
            }
        }
        if (only == null || only.equals("footprint")) {
            try (KafkaBroker broker = KafkaBroker.onFreePorts(work.resolve("broker-footprint")).start()) {
                int instances = fleet != null ? fleet : quick ? 300 : 100_000;
                results.addAll(new Footprint(instances).run(broker, work.resolve("footprint")));
            }
        }
        if (only == null || only.equals("jmh")) {
            results.addAll(Micro.run(quick));
        }
        if ("real".equals(only) || (only == null && real)) {
            if (!RealDataPlane.available()) {
                System.out.println("skipping the real data plane group: PostgreSQL 15 is not installed ("
                        + RealStack.PG_BIN.resolve("initdb") + " is missing)");
            } else {
                try (KafkaBroker broker = KafkaBroker.onFreePorts(work.resolve("broker-real")).start()) {
                    results.addAll(new RealDataPlane(quick ? 1 : 3).run(broker, work.resolve("real")));
                }
            }
        }
        return results;
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, "
                + ManagementFactory.getOperatingSystemMXBean().getName() + " " + System.getProperty("os.arch")
                + ", Java " + System.getProperty("java.version") + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB";
    }
}
