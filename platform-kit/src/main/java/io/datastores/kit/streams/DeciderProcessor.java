package io.datastores.kit.streams;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import io.datastores.kit.decider.Decider;
import io.datastores.kit.decider.Deferred;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.decider.EventMeta;
import io.datastores.kit.decider.Repeatable;
import io.datastores.kit.decider.StateOnly;
import io.datastores.kit.decider.StateSplit;
import io.datastores.kit.decider.Timer;
import io.datastores.kit.decider.TimeSignal;

/**
 * The shell around a {@link Decider}: load the aggregate's state, decide, forward the events with
 * derived metadata, evolve, store. No business rule lives here. Runs inside the stream task's
 * exactly-once transaction, so the store and the output move together.
 */
public final class DeciderProcessor<C, S, E>
        implements Processor<String, Envelope<C>, String, Envelope<E>> {

    private final Decider<C, S, E> decider;
    private final String storeName;
    /** Bounds the decisions time may owe one key at once, so a faulty timer cannot spin. */
    static final int MAX_DUE_PER_KEY = 10_000;

    private final String producer;
    private final Timer<C, S> timer;
    private final Duration timerInterval;
    private final Clock clock;
    private final java.util.function.Function<Instant, E> afterTick;
    /** Null: the timer decides at each wall-clock run; else time is written and read back as marks. */
    private final TimeRecording<E> recording;
    /** The last mark this task wrote (recorded time only). */
    private long lastMark = Long.MIN_VALUE;
    private ProcessorContext<String, Envelope<E>> context;
    private final StoredStates<S> states;
    private SeenEvents seen;

    private DeciderProcessor(Decider<C, S, E> decider, String storeName, String producer, Timer<C, S> timer,
            Duration timerInterval, Clock clock, java.util.function.Function<Instant, E> afterTick,
            StoredStates.Split<S, ?> split, TimeRecording<E> recording) {
        this.decider = decider;
        this.recording = recording;
        this.states = new StoredStates<>(storeName, split, StoredStates.RECENT);
        this.afterTick = afterTick;
        this.storeName = storeName;
        this.producer = producer;
        this.timer = timer;
        this.timerInterval = timerInterval;
        this.clock = clock;
    }

    /**
     * A supplier for {@code KStream#process}; the state store must be connected by name. The supplier
     * brings its own store of the input event ids already decided ({@code <store>-seen}).
     */
    public static <C, S, E> ProcessorSupplier<String, Envelope<C>, String, Envelope<E>> supplier(
            Decider<C, S, E> decider, String storeName, String producer) {
        return withSeenStore(storeName, null,
                () -> new DeciderProcessor<>(decider, storeName, producer, null, null, null, null, null, null));
    }

    /** A supplier whose processors also run {@code timer} every {@code interval} of {@code clock}. */
    public static <C, S, E> ProcessorSupplier<String, Envelope<C>, String, Envelope<E>> supplier(
            Decider<C, S, E> decider, String storeName, String producer, Timer<C, S> timer, Duration interval,
            Clock clock) {
        return supplier(decider, storeName, producer, timer, interval, clock, null);
    }

    /**
     * As above; after each run of the timer the processor also forwards {@code afterTick(now)} under
     * the key {@value #TICK_KEY}: a downstream stage learns that everything time owed this partition
     * up to {@code now} has been decided (an event-time watermark).
     */
    public static <C, S, E> ProcessorSupplier<String, Envelope<C>, String, Envelope<E>> supplier(
            Decider<C, S, E> decider, String storeName, String producer, Timer<C, S> timer, Duration interval,
            Clock clock, java.util.function.Function<Instant, E> afterTick) {
        return withSeenStore(storeName, null,
                () -> new DeciderProcessor<>(decider, storeName, producer, timer, interval, clock, afterTick, null, null));
    }

    /**
     * As above, for a state kept in two parts ({@link StateSplit}): the store named {@code storeName}
     * (connected by name, its serde for the cold part) and the supplier's own store of hot parts,
     * {@link #hotStore(String)}, with {@code hotSerde}. An event that changes only the hot part
     * rewrites only that.
     */
    public static <C, S, E, H> ProcessorSupplier<String, Envelope<C>, String, Envelope<E>> supplier(
            Decider<C, S, E> decider, String storeName, String producer, Timer<C, S> timer, Duration interval,
            Clock clock, java.util.function.Function<Instant, E> afterTick, StateSplit<S, H> split,
            Serde<H> hotSerde) {
        return supplier(decider, storeName, producer, timer, interval, clock, afterTick, split, hotSerde, null);
    }

    /**
     * As above, with the time recorded in the input log ({@link TimeRecording}): the timer's runs only
     * forward {@code recording}'s marks (none for a shadow), and what time owes the aggregates is
     * decided where a mark is read back, a {@link TimeSignal}.
     */
    public static <C, S, E, H> ProcessorSupplier<String, Envelope<C>, String, Envelope<E>> supplier(
            Decider<C, S, E> decider, String storeName, String producer, Timer<C, S> timer, Duration interval,
            Clock clock, java.util.function.Function<Instant, E> afterTick, StateSplit<S, H> split,
            Serde<H> hotSerde, TimeRecording<E> recording) {
        // cached: with a record cache configured (statestore.cache.max.bytes), a key written again before
        // the commit, as a node's heard part is at each heartbeat, reaches RocksDB and the changelog once
        StoreBuilder<?> hot = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(hotStore(storeName)),
                Serdes.String(), hotSerde).withCachingEnabled();
        return withSeenStore(storeName, hot, () -> new DeciderProcessor<>(decider, storeName, producer, timer,
                interval, clock, afterTick, new StoredStates.Split<>(split, hotStore(storeName)), recording));
    }

    /** The store of a split state's hot parts, beside {@code storeName}'s cold ones. */
    public static String hotStore(String storeName) {
        return StoredStates.hotStore(storeName);
    }

    /** The key of what {@code afterTick} forwards. */
    public static final String TICK_KEY = "~tick";

    /** The name of the store of input event ids a decider has seen. */
    public static String seenStore(String storeName) {
        return storeName + "-seen";
    }

    private static <C, E> ProcessorSupplier<String, Envelope<C>, String, Envelope<E>> withSeenStore(String storeName,
            StoreBuilder<?> more,
            java.util.function.Supplier<Processor<String, Envelope<C>, String, Envelope<E>>> processors) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Envelope<C>, String, Envelope<E>> get() {
                return processors.get();
            }

            @Override
            public java.util.Set<org.apache.kafka.streams.state.StoreBuilder<?>> stores() {
                return more == null ? java.util.Set.of(SeenEvents.store(seenStore(storeName)))
                        : java.util.Set.of(SeenEvents.store(seenStore(storeName)), more);
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Envelope<E>> context) {
        this.context = context;
        states.init(context);
        this.seen = new SeenEvents(context.getStateStore(seenStore(storeName)));
        if (timer != null && recording == null) {
            startedAt = clock.millis();
            context.schedule(timerInterval, PunctuationType.WALL_CLOCK_TIME, ignored -> tick(clock.instant()));
        } else if (timer != null && recording.writes()) {
            startedAt = clock.millis();
            context.schedule(timerInterval, PunctuationType.WALL_CLOCK_TIME, ignored -> mark(clock.instant()));
        }
    }

    /**
     * After a start, how long the wall-clock timer waits for a first input to measure the lag by. A
     * partition with a backlog delivers its first records within the first fetches (well under a
     * second); one that delivers nothing in this time has none. It was 30 s: after a start, silence on
     * a partition without traffic went unnoticed that long (measured with real servers: a primary lost
     * 8 s after failover-service started was failed over 24 s later instead of 9 s).
     */
    static final long STARTUP_GRACE_MS = 5_000;
    private long startedAt;
    /** The stored aggregates by when time next owes them a decision; built at the first timer run. */
    private DueIndex dueIndex;

    /** How long an input partition's lag counts after its last record: an idle input lags nothing. */
    static final long LAG_MEMORY_MS = 5_000;
    /**
     * The lag up to which an input counts as live: its time then moves on with the wall clock between
     * records. Further behind (a backlog, a rebuild), its time is the time of its last record: a task the
     * stream thread has not fed for a few seconds while it worked on others has not seen silence.
     */
    static final long LIVE_LAG_MS = 1_000;
    /**
     * Per input partition: the lag of its last record (wall clock at processing minus record time), when
     * it was processed, and the record's time.
     */
    private final java.util.Map<InputPartition, long[]> inputLags = new java.util.HashMap<>();

    /** An input topic's partition (a key that costs no string building per record). */
    private record InputPartition(String topic, int partition) {
    }

    private void observeLag(long recordTimestamp) {
        if (clock == null) {
            return;
        }
        var meta = context.recordMetadata();
        InputPartition source = meta.isPresent() ? new InputPartition(meta.get().topic(), meta.get().partition())
                : new InputPartition("", -1);
        long wall = clock.millis();
        long[] lag = inputLags.computeIfAbsent(source, k -> new long[3]);
        lag[0] = Math.max(0, wall - recordTimestamp);
        lag[1] = wall;
        lag[2] = recordTimestamp;
    }

    /**
     * The time the inputs have reached, at wall-clock {@code wall}: the earliest among the partitions
     * that delivered a record in the last {@value #LAG_MEMORY_MS} ms, each at its last record's time,
     * moved on with the wall clock since then when it is live (lag up to {@value #LIVE_LAG_MS} ms);
     * the wall clock itself when none did.
     */
    long inputTime(long wall) {
        long time = wall;
        for (long[] l : inputLags.values()) {
            if (wall - l[1] <= LAG_MEMORY_MS) {
                long reached = l[0] <= LIVE_LAG_MS ? wall - l[0] : l[2];
                time = Math.min(time, reached);
            }
        }
        return time;
    }

    /**
     * Decides what time owes each stored aggregate at {@code wallNow} less the input lag (while
     * catching up on a backlog, time is the time of the inputs processed so far, not the wall's: a
     * heartbeat still in the backlog is not silence), or at the stream time when that is later
     * (events from a fast clock drive time as well).
     */
    void tick(Instant wallNow) {
        inputsReached(wallNow).ifPresent(this::decideUpTo);
    }

    /**
     * The time the inputs have reached at {@code wallNow} (see {@link #tick}); none just after a start,
     * until an input shows how far behind it is.
     */
    private Optional<Instant> inputsReached(Instant wallNow) {
        if (inputLags.isEmpty() && wallNow.toEpochMilli() - startedAt < STARTUP_GRACE_MS) {
            return Optional.empty();
        }
        return Optional.of(later(Instant.ofEpochMilli(inputTime(wallNow.toEpochMilli())),
                Instant.ofEpochMilli(context.currentStreamTimeMs())));
    }

    /**
     * Recorded time: forwards the mark of the time the inputs have reached at {@code wallNow}, for the
     * topology to write into this partition's input log; nothing is decided until it is read back.
     */
    void mark(Instant wallNow) {
        Optional<Instant> reached = inputsReached(wallNow);
        if (reached.isEmpty() || reached.get().toEpochMilli() <= lastMark) {
            return;
        }
        Instant now = reached.get();
        lastMark = now.toEpochMilli();
        forwardTimeEvent("mark", now, recording.mark().apply(context.taskId().partition(), now));
    }

    /** Forwards {@code event}, this task's own about time reaching {@code now}, under {@value #TICK_KEY}. */
    private void forwardTimeEvent(String what, Instant now, E event) {
        String seed = producer + "/" + what + "/" + context.taskId() + "/" + now;
        EventMeta meta = new EventMeta(UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString(),
                null, null, now, producer);
        context.forward(new Record<>(TICK_KEY, new Envelope<>(meta, event), now.toEpochMilli()));
    }

    /** The stored aggregates by when time next owes them a decision, indexed at the first use. */
    private DueIndex dueIndex() {
        if (dueIndex == null) {
            dueIndex = new DueIndex();
            states.forEach(this::index);
        }
        return dueIndex;
    }

    /** Decides what time owes every stored aggregate up to {@code now}, then forwards {@code afterTick}. */
    private void decideUpTo(Instant now) {
        // the index may hold a moment earlier than a key's (see decideAndStore): set it right here
        dueIndex().dueBy(now.toEpochMilli()).forEach(key -> index(key, fireDue(key, states.get(key), now)));
        if (afterTick != null) {
            forwardTimeEvent("tick", now, afterTick.apply(now));
        }
    }

    /**
     * Decides, one at a time and each at its own moment, what time owes {@code key} up to
     * {@code now}, starting from {@code state}; returns the state after them.
     */
    private S fireDue(String key, S state, Instant now) {
        S current = state;
        for (int i = 0; i < MAX_DUE_PER_KEY && current != null; i++) {
            Optional<Timer.Due<C>> due = timer.due(key, current, now);
            if (due.isEmpty()) {
                break;
            }
            S next = decideAndStore(new Record<>(key, new Envelope<>(timerMeta(key, due.get()), due.get().command()),
                    due.get().at().toEpochMilli()), current);
            if (next == current) {
                break; // time asked, the aggregate decided nothing: asking again would change nothing
            }
            current = next;
        }
        return current;
    }

    @Override
    public void close() {
        states.close();
    }

    /** Notes when time next owes {@code key} a decision, once the index exists. */
    private void index(String key, S state) {
        dueIndex.set(key, timer.next(key, state).map(Instant::toEpochMilli).orElse(null));
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private EventMeta timerMeta(String key, Timer.Due<C> due) {
        String seed = key + "/" + producer + "/timer/" + due.command().getClass().getSimpleName() + "/" + due.at();
        String id = UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
        return new EventMeta(id, key, null, due.at(), producer);
    }

    /**
     * Decides {@code command} unless the same input event (same id, same command) was decided for this
     * key within {@link SeenEvents#RETENTION}: a re-delivered or replayed event changes nothing. A
     * {@link Repeatable} command is decided every time.
     */
    @Override
    public void process(Record<String, Envelope<C>> command) {
        if (timer != null && command.value().body() instanceof TimeSignal t) {
            // a mark of the recorded time, read back: what time owes is decided here. It is no input whose
            // lag counts: its time is the lag-adjusted time of the inputs already, and counting it again
            // would add one round trip to the measured lag at each mark
            decideUpTo(t.upTo());
            return;
        }
        long ts = command.timestamp();
        observeLag(ts);
        if (recording != null && timer != null) {
            // recorded time: the first mark comes after any backlog, so index the aggregates now rather than
            // ask each record of the backlog's key whether anything is due
            dueIndex();
        }
        if (!(command.value().body() instanceof Repeatable) && alreadyDecided(command)) {
            return;
        }
        S state = states.get(command.key());
        if (timer != null && (dueIndex == null || dueIndex.mayBeDue(command.key(), ts))) {
            state = fireDue(command.key(), state, Instant.ofEpochMilli(ts));
        }
        decideAndStore(command, state);
    }

    /** Whether this input event was decided for this key already; remembers it if not. */
    private boolean alreadyDecided(Record<String, Envelope<C>> command) {
        return !seen.firstTime(command.key(), command.value().meta().eventId(), command.value().body().getClass(),
                command.timestamp());
    }

    /** Decides {@code command} against {@code current} (null: none yet); stores and returns the new state. */
    private S decideAndStore(Record<String, Envelope<C>> command, S current) {
        String key = command.key();
        S state = current == null ? decider.initialState() : current;
        Envelope<C> in = command.value();
        List<E> events = decider.decide(in.body(), state, in.meta().occurredAt());
        for (int i = 0; i < events.size(); i++) {
            E event = events.get(i);
            if (event instanceof StateOnly) {
                state = decider.evolve(state, event);
                continue;
            }
            if (event instanceof Deferred d) {
                context.forward(command.withValue(new Envelope<>(EventMeta.deferred(d, producer), event))
                        .withTimestamp(d.occurredAt().toEpochMilli()));
            } else {
                context.forward(command.withValue(new Envelope<>(in.meta().derive(producer, i), event)));
            }
            state = decider.evolve(state, event);
        }
        if (!events.isEmpty()) {
            states.put(key, current, state);
            if (dueIndex != null) {
                // only ever earlier: a heartbeat moves a key's moment later each time, and the timer
                // run that finds it not due yet sets it right (saves a re-sort of the index per event)
                dueIndex.setEarlier(key, timer.next(key, state).map(Instant::toEpochMilli).orElse(null));
            }
        }
        return events.isEmpty() ? current : state;
    }
}
