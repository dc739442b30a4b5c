package io.datastores.dataplane.endpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.datastores.kit.files.AtomicFiles;

/**
 * The endpoints kept on disk, {@code endpoints.json} in the endpoint server's directory (written
 * whole after every change), so that a restarted endpoint server listens where it listened. A
 * pause is not kept: a restarted server forwards.
 */
final class EndpointStore {

    static final String FILE = "endpoints.json";
    private static final int VERSION = 1;

    private final Path file;

    EndpointStore(Path dir) {
        this.file = dir.resolve(FILE);
    }

    Path file() {
        return file;
    }

    /** The endpoints kept, by instance id; none when the file does not exist yet. */
    Map<String, EndpointSpec> load() throws IOException {
        Map<String, EndpointSpec> specs = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return specs;
        }
        try {
            JsonNode root = EndpointJson.tree(Files.readAllBytes(file));
            EndpointJson.requireObject(root, file.toString(), Set.of("version", "endpoints"));
            if (root.path("version").asInt() != VERSION) {
                throw new IllegalArgumentException("version " + root.path("version") + " is not "
                        + VERSION);
            }
            JsonNode endpoints = root.path("endpoints");
            for (Iterator<String> ids = endpoints.fieldNames(); ids.hasNext();) {
                String id = ids.next();
                specs.put(id, EndpointJson.spec(endpoints.get(id)));
            }
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " cannot be read (" + e.getMessage()
                    + "); fix or remove it", e);
        }
        return specs;
    }

    /** Replaces the file with {@code specs}. */
    void save(Map<String, EndpointSpec> specs) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", VERSION);
        root.put("endpoints", specs);
        AtomicFiles.write(file, EndpointJson.bytes(root));
    }
}
