package io.datastores.bench;

import java.util.Arrays;
import java.util.List;

/** Nearest-rank percentiles of a sample. */
final class Percentiles {

    private final double[] sorted;

    Percentiles(List<Double> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    /** The value below which {@code p} percent of the sample lies (nearest rank). */
    double at(double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    double max() {
        return sorted[sorted.length - 1];
    }

    double mean() {
        return Arrays.stream(sorted).average().orElse(0);
    }

    int count() {
        return sorted.length;
    }
}
