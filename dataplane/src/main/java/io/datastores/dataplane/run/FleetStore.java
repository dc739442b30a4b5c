package io.datastores.dataplane.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.datastores.dataplane.domain.Fleet;
import io.datastores.dataplane.mapping.ContractMapping;
import io.datastores.kit.json.JsonSerde;

/**
 * The fleet, in memory and on disk ({@code fleet.json}, written atomically after every change), so that a
 * restarted data plane knows the servers it runs. Changes are serialised: one at a time.
 */
public final class FleetStore {

    private final Path file;
    private Fleet fleet;

    public FleetStore(Path file, Fleet empty) {
        this.file = file;
        this.fleet = load(file, empty);
    }

    public synchronized Fleet get() {
        return fleet;
    }

    /** Applies a change and writes the result; returns it. */
    public synchronized Fleet update(UnaryOperator<Fleet> change) {
        Fleet next = change.apply(fleet);
        if (!next.equals(fleet)) {
            write(next);
            fleet = next;
        }
        return fleet;
    }

    private void write(Fleet next) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JsonSerde.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), next);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Gives each instance a fleet written before instances kept their tier lacks its plan's tier, by
     * the contract's rule for events that did not carry it ({@link ContractMapping#tier}).
     */
    private static void withTiers(JsonNode instances) {
        instances.forEach(instance -> {
            if (instance instanceof ObjectNode o && (!o.hasNonNull("tier"))) {
                o.put("tier", ContractMapping.tier(null, o.path("plan").asText(null)).name());
            }
        });
    }

    private static Fleet load(Path file, Fleet empty) {
        if (!Files.exists(file)) {
            return empty;
        }
        try {
            JsonNode document = JsonSerde.MAPPER.readTree(file.toFile());
            withTiers(document.path("instances"));
            Fleet stored = JsonSerde.MAPPER.treeToValue(document, Fleet.class);
            return new Fleet(stored.instances(), empty.firstPort(), empty.lastPort());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (the data plane's fleet)", e);
        }
    }
}
