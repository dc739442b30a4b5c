package io.datastores.kit.streams;

import java.time.Instant;
import java.util.function.BiFunction;

/**
 * Where a timed decider's time comes from when it must be replayable. Without one, the wall-clock
 * timer decides at each run what time owes the stored aggregates: a rebuild, reading the log later,
 * runs its timer elsewhere among the records and can decide silence where the live service heard a
 * record, or the reverse. With one, the live service's timer only writes the time its inputs have
 * reached into its own input log ({@link #mark}, a record the topology routes to the partition it
 * names), and decides when it reads that mark back ({@link io.datastores.kit.decider.TimeSignal}):
 * at the same place in the log for the live service and for any rebuild.
 *
 * @param mark the event to forward for {@code (partition, upTo)}; null for a shadow, which writes
 *             nothing and decides on the live service's marks
 */
public record TimeRecording<E>(BiFunction<Integer, Instant, E> mark) {

    /** The live service: its timer writes marks. */
    public static <E> TimeRecording<E> writes(BiFunction<Integer, Instant, E> mark) {
        return new TimeRecording<>(mark);
    }

    /** A shadow: it decides on the marks in the log and writes none. */
    public static <E> TimeRecording<E> readsOnly() {
        return new TimeRecording<>(null);
    }

    boolean writes() {
        return mark != null;
    }
}
