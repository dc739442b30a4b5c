package io.datastores.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The JMH micro-benchmarks ({@code io.datastores.bench.jmh}): the serde and the deciders, in
 * nanoseconds per operation. The full run forks a JVM and warms up; {@code --quick} runs in this JVM
 * with a few short iterations (a smoke run).
 */
final class Micro {

    private Micro() {
    }

    static List<Result> run(boolean quick) throws Exception {
        Options options = new OptionsBuilder()
                .include("io\\.datastores\\.bench\\.jmh\\..*")
                .forks(quick ? 0 : 1)
                .warmupIterations(quick ? 1 : 3)
                .warmupTime(TimeValue.milliseconds(quick ? 200 : 1_000))
                .measurementIterations(quick ? 2 : 5)
                .measurementTime(TimeValue.milliseconds(quick ? 200 : 1_000))
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> runs = new Runner(options).run();
        List<Result> results = new ArrayList<>();
        for (RunResult run : runs) {
            String name = run.getParams().getBenchmark();
            String simple = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            var primary = run.getPrimaryResult();
            results.add(new Result("JMH " + simple, "time per operation", primary.getScore(), "ns/op", null, true,
                    String.format("JMH average time, ±%.1f ns (99.9%%), %d forks", primary.getScoreError(),
                            run.getParams().getForks())));
        }
        return results;
    }
}
