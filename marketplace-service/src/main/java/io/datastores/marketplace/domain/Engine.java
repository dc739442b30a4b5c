package io.datastores.marketplace.domain;

/**
 * The engine of an instance, as the contract names it ({@code UNKNOWN}: a symbol a newer writer
 * added, which provisioning refuses).
 */
public enum Engine {
    POSTGRESQL, POSTGRESQL_VECTOR, MYSQL, CACHE, UNKNOWN
}
