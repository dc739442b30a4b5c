package io.datastores.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness runs end to end on a real broker (a quick run: it checks the harness, not the figures). */
class BenchSmokeTest {

    @Test
    void aQuickRunMeasuresEveryFailoverItTriggers(@TempDir Path dir) throws Exception {
        List<Result> results = Bench.run(dir, true, 50);
        assertThat(results).extracting(Result::metric).contains("p50", "p99");
        assertThat(results).allSatisfy(r -> {
            assertThat(r.value()).isPositive();
            assertThat(r.conditions()).contains("40 samples").contains("commit.interval.ms=50");
        });
    }
}
