package io.datastores.kit.streams;

/**
 * A read model's view of one key changed: {@code before} is what was stored (null the first time),
 * {@code after} what is stored now. Lets a summary downstream take out the old view's share and add
 * the new one's, without reading every view again.
 */
public record ViewChange<V>(V before, V after) {
}
