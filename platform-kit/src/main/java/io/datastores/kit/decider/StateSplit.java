package io.datastores.kit.decider;

/**
 * A decider's state kept in two parts: the small part that most events change (failover's: each
 * node's last heartbeat and position) apart from the rest, so that an event changing only that
 * part rewrites only it, tens of bytes instead of the whole aggregate. Pure, and exact: {@code
 * join(cold(s), hot(s))} equals {@code s} for every state.
 *
 * @param <S> the state
 * @param <H> its hot part
 */
public interface StateSplit<S, H> {

    /** The state without its hot part: equal before and after an event that changed only that. */
    S cold(S state);

    /** The hot part of the state. */
    H hot(S state);

    /** The state of a cold part and a hot part ({@code hot} null: none stored yet). */
    S join(S cold, H hot);
}
