package io.datastores.backup;

import io.micronaut.runtime.Micronaut;

/** backup-service: daily full backups, log archiving and retention windows per plan. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
