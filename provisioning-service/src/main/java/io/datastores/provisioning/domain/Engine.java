package io.datastores.provisioning.domain;

/** Database and cache engines (DOMAIN.md, "Engines, clouds, regions"). */
public enum Engine {
    POSTGRESQL(5432), POSTGRESQL_VECTOR(5432), MYSQL(3306), CACHE(6380);

    private final int port;

    Engine(int port) {
        this.port = port;
    }

    /** The TLS port the instance serves on. */
    public int port() {
        return port;
    }

    public boolean isPostgres() {
        return this == POSTGRESQL || this == POSTGRESQL_VECTOR;
    }
}
