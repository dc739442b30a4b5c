package io.datastores.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * The stored versions of each value subject ({@code schemas/history/<subject>/vN.avsc}) and the
 * rule they enforce: BACKWARD_TRANSITIVE, the current schema must read data written with every
 * stored version, as a schema registry with that compatibility level would demand. The build packs
 * the stored versions beside this class ({@link #packaged}), for the platform to register them.
 */
public final class SchemaHistory {

    private final Path root;

    public SchemaHistory(Path root) {
        this.root = root;
    }

    /** Where the build packs {@code schemas/history/} on the classpath. */
    static final String PACKAGED = "history/";

    /**
     * The stored versions of a subject as the build packed them (the same files as
     * {@code schemas/history/<subject>/}), oldest first; empty for a subject with none.
     */
    public static List<Schema> packaged(String subject) {
        List<Schema> versions = new ArrayList<>();
        for (int v = 1; ; v++) {
            try (InputStream in = SchemaHistory.class.getResourceAsStream(
                    PACKAGED + subject + "/v" + v + ".avsc")) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Stored versions of a subject, oldest first. */
    public List<Schema> versions(String subject) {
        Path dir = root.resolve(subject);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("v\\d+\\.avsc"))
                    .sorted(Comparator.comparingInt(SchemaHistory::versionOf))
                    .map(SchemaHistory::parse)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Why {@code candidate} may not become the next version of {@code subject}: one message per
     * stored version it cannot read; empty when it is compatible with all of them.
     */
    public List<String> incompatibilities(String subject, Schema candidate) {
        List<String> problems = new ArrayList<>();
        List<Schema> stored = versions(subject);
        for (int i = 0; i < stored.size(); i++) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(candidate, stored.get(i));
            if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
                problems.add(subject + " v" + (i + 1) + ": " + result.getResult().getIncompatibilities());
            }
        }
        return problems;
    }

    /** Stores {@code schema} as the next version of {@code subject}; returns its file. */
    public Path record(String subject, Schema schema) {
        Path file = root.resolve(subject).resolve("v" + (versions(subject).size() + 1) + ".avsc");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, schema.toString(true) + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int versionOf(Path p) {
        String n = p.getFileName().toString();
        return Integer.parseInt(n.substring(1, n.length() - ".avsc".length()));
    }

    private static Schema parse(Path p) {
        try {
            return new Schema.Parser().parse(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
