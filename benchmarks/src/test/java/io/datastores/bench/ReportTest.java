package io.datastores.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console table, the CSV, the chart's layout and how figures are printed. */
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

    @Test
    void longLabelsGetAColumnOfTheirOwnClearOfBarsValuesAndEachOther(@TempDir Path dir)
            throws Exception {
        List<Result> figures = List.of(
                new Result("projection rebuild (marketplace-service)", "vs plain consumer", 0.02,
                        "ratio", 0.5, false, "c"),
                new Result("failover-service throughput", "vs identity topology", 2.77, "ratio",
                        0.6, false, "c"),
                new Result("a benchmark whose name alone is far wider than any column should be,"
                        + " with a Supercalifragilisticexpialidocious"
                        + "longunbrokenwordthatmustbecutsomewhere",
                        "p99", 250, "ms", 200.0, true, "c"),
                new Result("failover decision latency", "p50", 42, "ms", 60.0, true, "c"));
        Report.Layout layout = Report.chart(figures, dir.resolve("long.png"));

        assertThat(layout.rows()).hasSize(4);
        assertThat(layout.rows().get(2).lines()).as("wrapped").hasSizeGreaterThan(1);
        List<Rectangle> labels = new ArrayList<>();
        layout.rows().forEach(r -> labels.addAll(r.lineBoxes()));
        Rectangle image = new Rectangle(0, 0, layout.width(), layout.height());
        for (Report.Row row : layout.rows()) {
            for (Rectangle label : row.lineBoxes()) {
                assertThat(image.contains(label)).as("%s inside the image", label).isTrue();
                assertThat(label.intersects(layout.plot())).as("label clear of the plot")
                        .isFalse();
                for (Report.Row other : layout.rows()) {
                    assertThat(label.intersects(other.bar())).as("label clear of bars").isFalse();
                    assertThat(label.intersects(other.valueBox())).as("label clear of values")
                            .isFalse();
                }
                assertThat(labels).filteredOn(l -> l != label && l.intersects(label))
                        .as("labels clear of each other").isEmpty();
            }
            assertThat(layout.plot().contains(row.bar())).as("bar inside the plot").isTrue();
            assertThat(image.contains(row.valueBox())).as("value inside the image").isTrue();
            assertThat(row.valueBox().intersects(layout.plot())).as("value right of the plot")
                    .isFalse();
            assertThat(layout.rows()).filteredOn(o -> o != row
                    && o.valueBox().intersects(row.valueBox())).as("values apart").isEmpty();
        }
        assertThat(layout.rows().get(0).value()).startsWith("0.020 ratio");
        assertThat(layout.rows().get(1).value()).startsWith("2.8 ratio");
        BufferedImage png = ImageIO.read(dir.resolve("long.png").toFile());
        assertThat(png.getWidth()).isEqualTo(layout.width());
        assertThat(png.getHeight()).isEqualTo(layout.height());
    }

    @Test
    void ratiosArePrintedToTwoSignificantDigits() {
        assertThat(Report.significant(0.02, 2)).isEqualTo("0.020");
        assertThat(Report.significant(0.2512, 2)).isEqualTo("0.25");
        assertThat(Report.significant(2.77, 2)).isEqualTo("2.8");
        assertThat(Report.significant(97_324, 2)).isEqualTo("97,000");
        assertThat(Report.significant(9.96, 2)).isEqualTo("10");
        assertThat(Report.significant(1.3, 2)).isEqualTo("1.3");
        assertThat(Report.significant(0, 2)).isEqualTo("0");
        assertThat(Report.value(0.2512, "ratio")).isEqualTo("0.25");
    }

    @Test
    void timesAndCountsKeepTheirPrecision() {
        assertThat(Report.value(38.64, "ms")).isEqualTo("38.6");
        assertThat(Report.value(97_324, "ev/s")).isEqualTo("97,324");
        assertThat(Report.value(1.234, "s")).isEqualTo("1.23");
        assertThat(Report.value(148, "ms")).isEqualTo("148");
    }
}
