package io.datastores.provisioning.domain;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The service catalog: plans and regions, versioned. It is data (a file loaded at start-up), and
 * every decision that uses it records its {@link #version()}.
 */
public record Catalog(String version, List<Plan> plans, Map<Cloud, List<Region>> regions) {

    /** A plan: tier and size. {@code postgresConnections} is the fixed PostgreSQL limit. */
    public record Plan(String name, Tier tier, int vcpu, int ramGiB, int storageGiB, int postgresConnections) {
    }

    /** A region of a cloud, with the zones its nodes are spread over. */
    public record Region(String name, String area, List<String> zones) {
    }

    public Optional<Plan> plan(String name) {
        return plans.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public Optional<Region> region(Cloud cloud, String name) {
        return regions.getOrDefault(cloud, List.of()).stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
