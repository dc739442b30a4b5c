package io.datastores.provisioning.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.datastores.kit.json.JsonSerde;
import io.datastores.provisioning.domain.Catalog;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/**
 * Loads the service catalog at start-up: the file named by {@code dcp.catalog.file}, or the
 * catalog shipped with the service ({@code catalog.json}).
 */
@Factory
public class CatalogLoader {

    @Singleton
    Catalog catalog(@Value("${dcp.catalog.file:}") String file) {
        try (InputStream in = file.isBlank()
                ? CatalogLoader.class.getResourceAsStream("/catalog.json")
                : Files.newInputStream(Path.of(file))) {
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the catalog " + file, e);
        }
    }

    public static Catalog read(InputStream in) throws IOException {
        return JsonSerde.MAPPER.readValue(in, Catalog.class);
    }
}
