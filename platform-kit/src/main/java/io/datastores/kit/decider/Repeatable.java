package io.datastores.kit.decider;

/**
 * A command that is safe to decide again by its nature (a clock that only moves forward): the
 * decider's shell does not remember its id, so a frequent one costs no storage.
 */
public interface Repeatable {
}
