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
 * {@code --quick} runs fewer samples (a smoke run, not figures to quote).
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Path out = Path.of("benchmarks/target/bench");
        long commitInterval = 50; // failover-service's commit.interval.ms (application.yml)
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--commit-interval-ms" -> commitInterval = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("usage: ./bench [--quick] [--out DIR] [--commit-interval-ms N]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(out);
        List<Result> results = run(out, quick, commitInterval);
        String machine = machine();
        System.out.print(Report.table(results, machine));
        Report.csv(results, machine, out.resolve("results.csv"));
        Report.chart(results, out.resolve("results.png"));
        System.out.println("wrote " + out.resolve("results.csv") + " and " + out.resolve("results.png"));
    }

    static List<Result> run(Path out, boolean quick, long commitInterval) throws Exception {
        Path work = Files.createTempDirectory("dcp-bench");
        List<Result> results = new ArrayList<>();
        try (KafkaBroker broker = KafkaBroker.onFreePorts(work.resolve("broker")).start()) {
            FailoverLatency.Settings failover = quick
                    ? new FailoverLatency.Settings(60, 40, 1_000, commitInterval, Duration.ofSeconds(5))
                    : new FailoverLatency.Settings(600, 500, 1_000, commitInterval, Duration.ofSeconds(15));
            results.addAll(new FailoverLatency(failover).run(broker.bootstrapServers(), work.resolve("failover")));
        }
        return results;
    }

    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, "
                + ManagementFactory.getOperatingSystemMXBean().getName() + " " + System.getProperty("os.arch")
                + ", Java " + System.getProperty("java.version") + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB";
    }
}
