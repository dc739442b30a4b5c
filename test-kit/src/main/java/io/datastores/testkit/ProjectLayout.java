package io.datastores.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the built modules are: tests start the registry and services from their build output. */
public final class ProjectLayout {

    private ProjectLayout() {
    }

    /** The project root: the nearest folder above the working directory that holds {@code mvnw}. */
    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("not inside the project: no mvnw above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    public static Path module(String name) {
        return root().resolve(name);
    }
}
