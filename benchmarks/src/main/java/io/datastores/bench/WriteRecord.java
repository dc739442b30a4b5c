package io.datastores.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What a client saw of its writes, in pure terms: when each acknowledged commit came back, which of
 * them the server no longer has, and the median and worst of a set of samples.
 */
final class WriteRecord {

    private WriteRecord() {
    }

    /** The longest time between two consecutive acknowledgements (nanosecond timestamps), in ms. */
    static double longestGapMillis(List<Long> ackNanos) {
        long gap = 0;
        for (int i = 1; i < ackNanos.size(); i++) {
            gap = Math.max(gap, ackNanos.get(i) - ackNanos.get(i - 1));
        }
        return gap / 1e6;
    }

    /** The acknowledged commits (row ids) the server does not have. */
    static List<Long> lost(Collection<Long> acknowledged, Set<Long> present) {
        List<Long> lost = new ArrayList<>();
        for (Long id : acknowledged) {
            if (!present.contains(id)) {
                lost.add(id);
            }
        }
        return lost;
    }

    /** The median of the samples (the mean of the two middle ones for an even count). */
    static double median(List<Double> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** The largest of the samples. */
    static double worst(List<Double> samples) {
        return samples.stream().mapToDouble(Double::doubleValue).max()
                .orElseThrow(() -> new IllegalArgumentException("no samples"));
    }
}
