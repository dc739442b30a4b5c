package io.datastores.kit.streams;

import java.util.Objects;
import java.util.function.BiFunction;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;

import io.datastores.kit.decider.Envelope;
import io.datastores.kit.decider.Projection;

/**
 * The shell around a {@link Projection}: load the view, apply the event, store and forward the
 * view (or the change, before and after) when it changed. No read-model rule lives here. The
 * task's recently used views stay decoded in memory ({@link StoredStates}).
 *
 * @param <O> what is forwarded: the new view, or the {@link ViewChange}
 */
public final class ProjectionProcessor<E, V, O> implements Processor<String, Envelope<E>, String, O> {

    private final Projection<E, V> projection;
    private final String storeName;
    private final BiFunction<V, V, O> output;
    private ProcessorContext<String, O> context;
    private final StoredStates<V> views;

    private ProjectionProcessor(Projection<E, V> projection, String storeName, BiFunction<V, V, O> output) {
        this.projection = projection;
        this.storeName = storeName;
        this.output = output;
        this.views = new StoredStates<>(storeName, null, StoredStates.RECENT);
    }

    /** Forwards each new view. */
    public static <E, V> ProcessorSupplier<String, Envelope<E>, String, V> supplier(Projection<E, V> projection,
            String storeName) {
        return () -> new ProjectionProcessor<E, V, V>(projection, storeName, (before, after) -> after);
    }

    /** Forwards each change: the view before (null for a key seen the first time) and after. */
    public static <E, V> ProcessorSupplier<String, Envelope<E>, String, ViewChange<V>> changes(
            Projection<E, V> projection, String storeName) {
        return () -> new ProjectionProcessor<E, V, ViewChange<V>>(projection, storeName, ViewChange::new);
    }

    @Override
    public void init(ProcessorContext<String, O> context) {
        this.context = context;
        views.init(context);
    }

    @Override
    public void close() {
        views.close();
    }

    @Override
    public void process(Record<String, Envelope<E>> record) {
        V stored = views.get(record.key());
        V before = stored == null ? projection.initial(record.key()) : stored;
        V after = projection.apply(before, record.value().body(), record.value().meta());
        if (after != null && !Objects.equals(before, after)) {
            views.put(record.key(), stored, after);
            context.forward(record.withValue(output.apply(stored, after)));
        }
    }
}
