package io.datastores.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness runs end to end on a real broker (a quick run: it checks the harness, not the
 * figures), without the real data plane's group; the footprint's group (four service processes,
 * started twice) under {@code -Pfull} only.
 */
class BenchSmokeTest {

    @Test
    void aQuickRunMeasuresEveryFigure(@TempDir Path dir) throws Exception {
        List<Result> results = new ArrayList<>();
        for (String group : List.of("throughput", "latency", "jmh")) {
            results.addAll(Bench.run(dir, true, 50, group, null, false));
        }
        assertThat(results).extracting(Result::benchmark).contains("failover decision latency",
                "failover-service throughput", "failover-service capacity",
                "provisioning-service throughput",
                "projection rebuild (marketplace-service)", "JMH SerdeBenchmark.decodeHeartbeat",
                "JMH DeciderBenchmark.heartbeat");
        assertThat(results).allSatisfy(r -> assertThat(r.value()).as(r.benchmark()).isPositive());
        assertThat(results).filteredOn(r -> r.benchmark().equals("failover decision latency"))
                .extracting(Result::metric).contains("p50", "p99");
        assertThat(results).filteredOn(r -> r.benchmark().equals("failover decision latency"))
                .allSatisfy(r -> assertThat(r.conditions()).contains("40 samples").contains("commit.interval.ms=50"));
        assertThat(results).filteredOn(r -> r.unit().equals("ratio"))
                .allSatisfy(r -> assertThat(r.conditions()).contains("events/s"));
        assertThat(results)
                .filteredOn(r -> r.benchmark().equals("provisioning-service throughput"))
                .singleElement().satisfies(r -> assertThat(r.conditions())
                        .contains("2000 instance requests").contains("from 200 organizations"));
        assertThat(results).filteredOn(r -> r.benchmark().equals("failover-service capacity"))
                .singleElement().satisfies(r -> assertThat(r.conditions())
                        .contains("dcp.node-telemetry has 6 partitions"));
        assertThat(results).extracting(Result::benchmark)
                .noneMatch(b -> b.startsWith("real "));
    }

    @Test
    @EnabledIfSystemProperty(named = "bench.smoke.footprint", matches = "true")
    void aQuickRunMeasuresTheFootprint(@TempDir Path dir) throws Exception {
        List<Result> results = Bench.run(dir, true, 50, "footprint", null, false);
        assertThat(results).isNotEmpty().allSatisfy(r -> assertThat(r.value()).as(r.benchmark()).isPositive());
    }
}
