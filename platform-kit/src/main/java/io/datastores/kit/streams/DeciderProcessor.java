package io.datastores.kit.streams;

import java.util.List;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.datastores.kit.decider.Decider;
import io.datastores.kit.decider.Envelope;

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
    private ProcessorContext<String, Envelope<E>> context;
    private KeyValueStore<String, S> store;

    private DeciderProcessor(Decider<C, S, E> decider, String storeName, String producer) {
        this.decider = decider;
        this.storeName = storeName;
        this.producer = producer;
    }

    /** A supplier for {@code KStream#process}; the store must be connected by name. */
    public static <C, S, E> ProcessorSupplier<String, Envelope<C>, String, Envelope<E>> supplier(
            Decider<C, S, E> decider, String storeName, String producer) {
        return () -> new DeciderProcessor<>(decider, storeName, producer);
    }

    @Override
    public void init(ProcessorContext<String, Envelope<E>> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
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
