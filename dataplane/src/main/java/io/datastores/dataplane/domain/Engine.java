package io.datastores.dataplane.domain;

import java.util.Arrays;

/**
 * An instance's engine, as the contract names it ({@code Engine}). This data plane runs the ones its
 * {@link Rules} list; {@code UNKNOWN}: an engine a newer contract names, which is someone else's.
 */
public enum Engine {
    POSTGRESQL, POSTGRESQL_VECTOR, MYSQL, CACHE, UNKNOWN;

    /** The engine of that name, or {@code UNKNOWN}. */
    public static Engine of(String name) {
        return Arrays.stream(values()).filter(e -> e.name().equals(name)).findFirst().orElse(UNKNOWN);
    }
}
