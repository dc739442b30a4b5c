package io.datastores.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    private final List<Result> results = List.of(
            new Result("failover decision latency", "p50", 42, "ms", 60.0, true, "c1"),
            new Result("failover decision latency", "p99", 250, "ms", 200.0, true, "c1"),
            new Result("rebuild", "ratio", 0.7, "x", 0.5, false, "c2"),
            new Result("failover decision latency", "max", 300, "ms", null, true, "c1"));

    @Test
    void percentilesAreNearestRank() {
        Percentiles p = new Percentiles(List.of(5.0, 1.0, 4.0, 2.0, 3.0, 6.0, 7.0, 8.0, 9.0, 10.0));
        assertThat(p.at(50)).isEqualTo(5.0);
        assertThat(p.at(99)).isEqualTo(10.0);
        assertThat(p.at(10)).isEqualTo(1.0);
        assertThat(p.max()).isEqualTo(10.0);
        assertThat(p.mean()).isEqualTo(5.5);
    }

    @Test
    void theTableSaysWhichFiguresMissTheirTarget() {
        String table = Report.table(results, "test machine");
        assertThat(table).contains("machine: test machine");
        assertThat(table.lines().filter(l -> l.contains("p50"))).singleElement().asString().endsWith("meets");
        assertThat(table.lines().filter(l -> l.contains("p99"))).singleElement().asString().endsWith("MISSES");
        assertThat(table.lines().filter(l -> l.contains("ratio"))).singleElement().asString().contains(">= 0.5");
    }

    @Test
    void csvAndChartAreWritten(@TempDir Path dir) throws Exception {
        Report.csv(results, "m", dir.resolve("r.csv"));
        Report.chart(results, dir.resolve("r.png"));
        List<String> lines = Files.readAllLines(dir.resolve("r.csv"));
        assertThat(lines).hasSize(5);
        assertThat(lines.get(2)).startsWith("\"failover decision latency\",\"p99\",250.000,ms,200,true,false");
        BufferedImage png = ImageIO.read(dir.resolve("r.png").toFile());
        assertThat(png.getHeight()).isGreaterThan(100); // one row per figure with a target
    }
}
