package io.datastores.provisioning;

import io.micronaut.runtime.Micronaut;

/** provisioning-service: turns instance requests into running instances per service plan. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
