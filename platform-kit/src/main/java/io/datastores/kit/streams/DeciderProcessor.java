package io.datastores.kit.streams;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.datastores.kit.decider.Decider;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.decider.EventMeta;
import io.datastores.kit.decider.Timer;

/**
 * The shell around a {@link Decider}: load the aggregate's state, decide, forward the events with
 * derived metadata, evolve, store. No business rule lives here. Runs inside the stream task's
 * exactly-once transaction, so the store and the output move together.
 */
public final class DeciderProcessor<C, S, E>
        implements Processor<String, Envelope<C>, String, Envelope<E>> {

    private final Decider<C, S, E> decider;
    private final String storeName;
    private final String producer;
    private final Timer<C, S> timer;
    private final Duration timerInterval;
    private final Clock clock;
    private ProcessorContext<String, Envelope<E>> context;
    private KeyValueStore<String, S> store;

    private DeciderProcessor(Decider<C, S, E> decider, String storeName, String producer, Timer<C, S> timer,
            Duration timerInterval, Clock clock) {
        this.decider = decider;
        this.storeName = storeName;
        this.producer = producer;
        this.timer = timer;
        this.timerInterval = timerInterval;
        this.clock = clock;
    }

    /** A supplier for {@code KStream#process}; the store must be connected by name. */
    public static <C, S, E> ProcessorSupplier<String, Envelope<C>, String, Envelope<E>> supplier(
            Decider<C, S, E> decider, String storeName, String producer) {
        return () -> new DeciderProcessor<>(decider, storeName, producer, null, null, null);
    }

    /** A supplier whose processors also run {@code timer} every {@code interval} of {@code clock}. */
    public static <C, S, E> ProcessorSupplier<String, Envelope<C>, String, Envelope<E>> supplier(
            Decider<C, S, E> decider, String storeName, String producer, Timer<C, S> timer, Duration interval,
            Clock clock) {
        return () -> new DeciderProcessor<>(decider, storeName, producer, timer, interval, clock);
    }

    @Override
    public void init(ProcessorContext<String, Envelope<E>> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        if (timer != null) {
            context.schedule(timerInterval, PunctuationType.WALL_CLOCK_TIME, ignored -> tick(clock.instant()));
        }
    }

    /** Decides what time owes each stored aggregate at {@code now}. */
    void tick(Instant now) {
        List<Record<String, Envelope<C>>> owed = new ArrayList<>();
        try (KeyValueIterator<String, S> all = store.all()) {
            all.forEachRemaining(kv -> {
                Optional<Timer.Due<C>> due = timer.due(kv.key, kv.value, now);
                due.ifPresent(d -> owed.add(new Record<>(kv.key, new Envelope<>(timerMeta(kv.key, d), d.command()),
                        d.at().toEpochMilli())));
            });
        }
        owed.forEach(this::process);
    }

    private EventMeta timerMeta(String key, Timer.Due<C> due) {
        String seed = key + "/" + producer + "/timer/" + due.command().getClass().getSimpleName() + "/" + due.at();
        String id = UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
        return new EventMeta(id, key, null, due.at(), producer);
    }

    @Override
    public void process(Record<String, Envelope<C>> command) {
        String key = command.key();
        S state = store.get(key);
        if (state == null) {
            state = decider.initialState();
        }
        Envelope<C> in = command.value();
        List<E> events = decider.decide(in.body(), state, in.meta().occurredAt());
        for (int i = 0; i < events.size(); i++) {
            E event = events.get(i);
            context.forward(command.withValue(new Envelope<>(in.meta().derive(producer, i), event)));
            state = decider.evolve(state, event);
        }
        if (!events.isEmpty()) {
            store.put(key, state);
        }
    }
}
