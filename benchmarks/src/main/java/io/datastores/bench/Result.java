package io.datastores.bench;

/**
 * One measured figure: what, the value, its unit, the target it is held to (null when none), and
 * the conditions it was measured under.
 */
public record Result(String benchmark, String metric, double value, String unit, Double target, boolean lowerIsBetter,
        String conditions) {

    /** Whether the figure meets its target (true when there is none). */
    public boolean meetsTarget() {
        if (target == null) {
            return true;
        }
        return lowerIsBetter ? value <= target : value >= target;
    }
}
