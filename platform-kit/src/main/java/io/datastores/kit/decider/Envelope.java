package io.datastores.kit.decider;

/** A domain command or event with its metadata. */
public record Envelope<T>(EventMeta meta, T body) {
}
