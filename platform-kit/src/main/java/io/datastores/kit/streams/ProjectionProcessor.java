package io.datastores.kit.streams;

import java.util.Objects;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.datastores.kit.decider.Envelope;
import io.datastores.kit.decider.Projection;

/**
 * The shell around a {@link Projection}: load the view, apply the event, store and forward the
 * view when it changed. No read-model rule lives here.
 */
public final class ProjectionProcessor<E, V> implements Processor<String, Envelope<E>, String, V> {

    private final Projection<E, V> projection;
    private final String storeName;
    private ProcessorContext<String, V> context;
    private KeyValueStore<String, V> store;

    private ProjectionProcessor(Projection<E, V> projection, String storeName) {
        this.projection = projection;
        this.storeName = storeName;
    }

    public static <E, V> ProcessorSupplier<String, Envelope<E>, String, V> supplier(Projection<E, V> projection,
            String storeName) {
        return () -> new ProjectionProcessor<>(projection, storeName);
    }

    @Override
    public void init(ProcessorContext<String, V> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, Envelope<E>> record) {
        V before = store.get(record.key());
        if (before == null) {
            before = projection.initial(record.key());
        }
        V after = projection.apply(before, record.value().body(), record.value().meta());
        if (after != null && !Objects.equals(before, after)) {
            store.put(record.key(), after);
            context.forward(record.withValue(after));
        }
    }
}
