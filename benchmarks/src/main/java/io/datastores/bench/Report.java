package io.datastores.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/** The harness's output: a table on the console, a CSV and a PNG chart of each figure against its target. */
final class Report {

    private Report() {
    }

    static String table(List<Result> results, String machine) {
        StringBuilder out = new StringBuilder();
        out.append("machine: ").append(machine).append('\n');
        out.append(String.format(Locale.ROOT, "%-32s %-8s %12s %-5s %10s  %s%n", "benchmark", "metric", "value",
                "unit", "target", "verdict"));
        for (Result r : results) {
            out.append(String.format(Locale.ROOT, "%-32s %-8s %12.2f %-5s %10s  %s%n", r.benchmark(), r.metric(),
                    r.value(), r.unit(), r.target() == null ? "-" : (r.lowerIsBetter() ? "<= " : ">= ")
                            + trim(r.target()), r.target() == null ? "" : r.meetsTarget() ? "meets" : "MISSES"));
        }
        results.stream().map(Result::conditions).distinct().forEach(c -> out.append("  conditions: ").append(c)
                .append('\n'));
        return out.toString();
    }

    static void csv(List<Result> results, String machine, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("benchmark,metric,value,unit,target,lower_is_better,meets_target,conditions,machine");
        for (Result r : results) {
            lines.add(String.join(",", quote(r.benchmark()), quote(r.metric()),
                    String.format(Locale.ROOT, "%.3f", r.value()), r.unit(),
                    r.target() == null ? "" : trim(r.target()), String.valueOf(r.lowerIsBetter()),
                    String.valueOf(r.meetsTarget()), quote(r.conditions()), quote(machine)));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** One bar per figure with a target: the figure as a share of its target; the line at 100 % is the target. */
    static void chart(List<Result> results, Path file) throws IOException {
        // a target of zero (no commit lost) has no share to draw: the table says whether it is met
        List<Result> targeted = results.stream().filter(r -> r.target() != null && r.target() > 0).toList();
        int rowHeight = 34;
        int width = 900;
        int left = 330;
        int height = 70 + rowHeight * Math.max(1, targeted.size());
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("Each figure as a share of its target (the line is the target)", 10, 22);
        double scaleMax = Math.max(2.0, targeted.stream().mapToDouble(r -> r.value() / r.target()).max().orElse(1));
        int plot = width - left - 40;
        int target = left + (int) (plot / scaleMax);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i < targeted.size(); i++) {
            Result r = targeted.get(i);
            int y = 45 + i * rowHeight;
            double share = r.value() / r.target();
            g.setColor(r.meetsTarget() ? new Color(0x2e7d32) : new Color(0xc62828));
            g.fillRect(left, y, Math.max(1, (int) (plot * share / scaleMax)), rowHeight - 12);
            g.setColor(Color.BLACK);
            g.drawString(r.benchmark() + " " + r.metric(), 10, y + 15);
            g.drawString(String.format(Locale.ROOT, "%.1f %s (%s %s)", r.value(), r.unit(),
                    r.lowerIsBetter() ? "<=" : ">=", trim(r.target())), left + 5, y + 15);
        }
        g.setColor(Color.BLUE);
        g.setStroke(new BasicStroke(2));
        g.drawLine(target, 35, target, height - 10);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
