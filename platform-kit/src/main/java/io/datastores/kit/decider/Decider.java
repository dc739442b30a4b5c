package io.datastores.kit.decider;

import java.time.Instant;
import java.util.List;

/**
 * An aggregate as a decider (Chassaing): pure functions from a command and the current state to
 * new events, and from a state and an event to the next state. Time comes in as an argument (the
 * event time of the command), so that a replay decides exactly as the first run did.
 *
 * @param <C> commands
 * @param <S> state
 * @param <E> events
 */
public interface Decider<C, S, E> {

    /** The state of an aggregate that has seen no event. */
    S initialState();

    /** What happens when {@code command} meets {@code state} at event time {@code at}. */
    List<E> decide(C command, S state, Instant at);

    /** The state after {@code event}. */
    S evolve(S state, E event);

    /** The state after {@code events}, in order, from {@code state}: {@link #evolve} folded. */
    default S fold(S state, Iterable<? extends E> events) {
        S after = state;
        for (E e : events) {
            after = evolve(after, e);
        }
        return after;
    }
}
