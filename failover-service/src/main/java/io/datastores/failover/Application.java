package io.datastores.failover;

import io.micronaut.runtime.Micronaut;

/** failover-service: detects lost nodes, promotes standbys, schedules replacements and restores. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
