package io.datastores.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/**
 * The harness's output: a table on the console, a CSV and a PNG chart of each figure against its
 * target. The chart's layout is computed from the text it holds (see {@link #layout(List)}).
 */
final class Report {

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final String HEADING =
            "Each figure as a share of its target (the blue line is the target)";
    private static final int MARGIN = 12;
    private static final int GAP = 10;
    /** Labels wrap within this width; a shorter longest label makes the column narrower. */
    private static final int MAX_LABEL_WIDTH = 300;
    private static final int PLOT_WIDTH = 420;
    private static final int BAR_HEIGHT = 18;
    private static final int ROW_PADDING = 10;
    /** Shares above this run to the end of the plot (the value says how far beyond). */
    private static final double MAX_SCALE = 4.0;

    private Report() {
    }

    static String table(List<Result> results, String machine) {
        StringBuilder out = new StringBuilder();
        out.append("machine: ").append(machine).append('\n');
        String format = "%-32s %-8s %12s %-5s %10s  %s%n";
        out.append(String.format(Locale.ROOT, format, "benchmark", "metric", "value", "unit",
                "target", "verdict"));
        for (Result r : results) {
            String target = r.target() == null ? "-"
                    : (r.lowerIsBetter() ? "<= " : ">= ") + trim(r.target());
            String verdict = r.target() == null ? "" : r.meetsTarget() ? "meets" : "MISSES";
            out.append(String.format(Locale.ROOT, format, r.benchmark(),
                    r.metric(), value(r.value(), r.unit()), r.unit(), target, verdict));
        }
        results.stream().map(Result::conditions).distinct()
                .forEach(c -> out.append("  conditions: ").append(c).append('\n'));
        return out.toString();
    }

    static void csv(List<Result> results, String machine, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("benchmark,metric,value,unit,target,lower_is_better,meets_target,conditions,"
                + "machine");
        for (Result r : results) {
            lines.add(String.join(",", quote(r.benchmark()), quote(r.metric()),
                    String.format(Locale.ROOT, "%.3f", r.value()), r.unit(),
                    r.target() == null ? "" : trim(r.target()), String.valueOf(r.lowerIsBetter()),
                    String.valueOf(r.meetsTarget()), quote(r.conditions()), quote(machine)));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** One row of the chart: the label's lines, the bar, and the value's text, as drawn. */
    record Row(Result result, List<String> lines, List<Rectangle> lineBoxes, Rectangle bar,
            String value, Rectangle valueBox) {
    }

    /**
     * Where everything goes: the title, the rows, the plot area the bars grow in (from the left of
     * {@code plot}, whose width is {@code scale} times the target; longer bars are cut short at
     * its end) and the target's line at {@code targetX}, in an image of {@code width} by
     * {@code height}. Text boxes are ascent plus descent high and as wide as the text.
     */
    record Layout(int width, int height, Rectangle title, Rectangle plot, double scale,
            int targetX, List<Row> rows) {
    }

    /**
     * One bar per figure with a target: the figure as a share of its target; the line at 100 % is
     * the target. Labels have a column of their own (wrapped when long), values are right of the
     * plot; the image is as large as its content.
     */
    static Layout chart(List<Result> results, Path file) throws IOException {
        Layout layout = layout(results);
        BufferedImage image = new BufferedImage(layout.width(), layout.height(),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(image);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, layout.width(), layout.height());
        g.setColor(Color.DARK_GRAY);
        g.setFont(TITLE);
        g.drawString(HEADING, layout.title().x, baseline(g, layout.title()));
        Rectangle plot = layout.plot();
        g.setColor(new Color(0xf2f2f2));
        g.fillRect(plot.x, plot.y, plot.width, plot.height);
        g.setFont(TEXT);
        for (Row row : layout.rows()) {
            g.setColor(row.result().meetsTarget() ? new Color(0x2e7d32) : new Color(0xc62828));
            g.fill(row.bar());
            if (row.result().value() / row.result().target() > layout.scale()) {
                // cut short: a white break near the end of the bar
                Rectangle bar = row.bar();
                g.setColor(Color.WHITE);
                g.setStroke(new BasicStroke(3));
                int x = bar.x + bar.width - 14;
                g.drawLine(x, bar.y + bar.height + 1, x + 6, bar.y - 1);
            }
            g.setColor(Color.BLACK);
            for (int i = 0; i < row.lines().size(); i++) {
                g.drawString(row.lines().get(i), row.lineBoxes().get(i).x,
                        baseline(g, row.lineBoxes().get(i)));
            }
            g.drawString(row.value(), row.valueBox().x, baseline(g, row.valueBox()));
        }
        g.setColor(Color.BLUE);
        g.setStroke(new BasicStroke(2));
        g.drawLine(layout.targetX(), plot.y - 4, layout.targetX(), plot.y + plot.height + 4);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
        return layout;
    }

    /** The chart's layout for {@code results}, measured with the fonts it is drawn in. */
    static Layout layout(List<Result> results) {
        // a target of zero (no commit lost) has no share to draw: the table says whether it is met
        List<Result> targeted = results.stream()
                .filter(r -> r.target() != null && r.target() > 0).toList();
        Graphics2D g = graphics(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB));
        try {
            FontMetrics titleMetrics = g.getFontMetrics(TITLE);
            FontMetrics text = g.getFontMetrics(TEXT);
            int lineHeight = text.getAscent() + text.getDescent();
            Rectangle title = new Rectangle(MARGIN, MARGIN, titleMetrics.stringWidth(HEADING),
                    titleMetrics.getAscent() + titleMetrics.getDescent());
            List<List<String>> labels = targeted.stream()
                    .map(r -> wrap(r.benchmark() + ": " + r.metric(), text, MAX_LABEL_WIDTH))
                    .toList();
            int labelWidth = labels.stream().flatMap(List::stream).mapToInt(text::stringWidth)
                    .max().orElse(0);
            int plotX = MARGIN + labelWidth + 2 * GAP;
            int valueX = plotX + PLOT_WIDTH + GAP;
            double scale = Math.min(MAX_SCALE, Math.max(2.0, targeted.stream()
                    .mapToDouble(r -> r.value() / r.target()).max().orElse(1)));
            int top = title.y + title.height + 2 * GAP;
            int y = top;
            int valueWidth = 0;
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < targeted.size(); i++) {
                Result r = targeted.get(i);
                List<String> lines = labels.get(i);
                int rowHeight = Math.max(BAR_HEIGHT, lines.size() * lineHeight) + ROW_PADDING;
                int middle = y + rowHeight / 2;
                List<Rectangle> boxes = new ArrayList<>();
                int lineTop = middle - lines.size() * lineHeight / 2;
                for (String line : lines) {
                    boxes.add(new Rectangle(MARGIN, lineTop, text.stringWidth(line), lineHeight));
                    lineTop += lineHeight;
                }
                double share = Math.min(scale, r.value() / r.target());
                int length = Math.max(1, (int) Math.round(PLOT_WIDTH * share / scale));
                Rectangle bar = new Rectangle(plotX, middle - BAR_HEIGHT / 2, length, BAR_HEIGHT);
                String value = value(r.value(), r.unit()) + " " + r.unit() + "  ("
                        + (r.lowerIsBetter() ? "<= " : ">= ") + value(r.target(), r.unit()) + ")";
                Rectangle valueBox = new Rectangle(valueX, middle - lineHeight / 2,
                        text.stringWidth(value), lineHeight);
                valueWidth = Math.max(valueWidth, valueBox.width);
                rows.add(new Row(r, lines, boxes, bar, value, valueBox));
                y += rowHeight;
            }
            Rectangle plot = new Rectangle(plotX, top, PLOT_WIDTH, Math.max(BAR_HEIGHT, y - top));
            int width = Math.max(title.x + title.width, valueX + valueWidth) + MARGIN;
            int height = plot.y + plot.height + GAP + MARGIN;
            int targetX = plotX + (int) Math.round(PLOT_WIDTH / scale);
            return new Layout(width, height, title, plot, scale, targetX, rows);
        } finally {
            g.dispose();
        }
    }

    /** {@code text} in lines no wider than {@code width}, broken between words where it can be. */
    static List<String> wrap(String text, FontMetrics metrics, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.trim().split("\\s+")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (line.isEmpty() || metrics.stringWidth(candidate) <= width) {
                line.setLength(0);
                line.append(candidate);
            } else {
                lines.add(line.toString());
                line.setLength(0);
                line.append(word);
            }
        }
        lines.add(line.toString());
        // a single word wider than the column is cut where it must be
        List<String> cut = new ArrayList<>();
        for (String l : lines) {
            String rest = l;
            while (metrics.stringWidth(rest) > width && rest.length() > 1) {
                int n = rest.length() - 1;
                while (n > 1 && metrics.stringWidth(rest.substring(0, n)) > width) {
                    n--;
                }
                cut.add(rest.substring(0, n));
                rest = rest.substring(n);
            }
            cut.add(rest);
        }
        return cut;
    }

    /** A figure as printed: ratios to two significant digits, other units as {@link #plain}. */
    static String value(double value, String unit) {
        return "ratio".equals(unit) ? significant(value, 2) : plain(value);
    }

    /**
     * {@code value} rounded to {@code digits} significant digits, trailing zeros kept (0.02 with
     * two is "0.020"), thousands grouped ("97,000").
     */
    static String significant(double value, int digits) {
        if (value == 0 || Double.isNaN(value) || Double.isInfinite(value)) {
            return value == 0 ? "0" : String.valueOf(value);
        }
        BigDecimal rounded = new BigDecimal(value)
                .round(new MathContext(digits, RoundingMode.HALF_UP));
        int exponent = rounded.precision() - rounded.scale() - 1;
        BigDecimal shown = rounded.setScale(Math.max(0, digits - 1 - exponent),
                RoundingMode.HALF_UP);
        return String.format(Locale.ROOT, "%,." + shown.scale() + "f", shown);
    }

    /** Times and counts: whole numbers grouped from 100 on, one decimal from 10, else two. */
    static String plain(double value) {
        double magnitude = Math.abs(value);
        String pattern = magnitude >= 100 || value == Math.rint(value) ? "%,.0f"
                : magnitude >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, pattern, value);
    }

    private static Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
                RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS,
                RenderingHints.VALUE_FRACTIONALMETRICS_OFF);
        return g;
    }

    private static int baseline(Graphics2D g, Rectangle box) {
        return box.y + g.getFontMetrics().getAscent();
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
