package io.datastores.kit.decider;

import java.time.Instant;

/**
 * A command that says the time of its input partition has reached {@link #upTo()}: the decider's
 * shell decides what time owes every aggregate of the partition up to then, in place of a wall-clock
 * run. It is a mark the service wrote into its own input log ({@code kit.streams.TimeRecording}), so a
 * rebuild that reads the log meets it at the same place, after the same records, and decides the
 * same. It reaches no decider, and is repeatable by nature (time only moves on).
 */
public interface TimeSignal extends Repeatable {

    /** The partition of the input log the mark was written to (and must be read from). */
    int partition();

    Instant upTo();
}
