package io.datastores.backup.domain;

/** The engine of a tracked instance (the contract's {@code Engine}, converted in mapping). */
public enum Engine {
    POSTGRESQL, POSTGRESQL_VECTOR, MYSQL, CACHE, UNKNOWN
}
