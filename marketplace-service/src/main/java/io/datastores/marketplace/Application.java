package io.datastores.marketplace;

import io.micronaut.runtime.Micronaut;

/** marketplace-service: credentials, listings, connections and the read models dashboards consume. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
