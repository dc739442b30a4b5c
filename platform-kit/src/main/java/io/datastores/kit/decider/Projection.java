package io.datastores.kit.decider;

/**
 * A read model as a pure fold: the view of one key after one more event. Replaying the same events
 * gives the same view.
 *
 * @param <E> events
 * @param <V> the view
 */
public interface Projection<E, V> {

    /** The view of a key no event has touched; may be null. */
    V initial(String key);

    /** The view after {@code event}; returning the same view means the event changes nothing. */
    V apply(V view, E event, EventMeta meta);
}
