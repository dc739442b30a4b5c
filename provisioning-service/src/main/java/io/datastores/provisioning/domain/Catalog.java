package io.datastores.provisioning.domain;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The service catalog: plans and regions, versioned. It is data (a file loaded at start-up), and
 * every decision that uses it records its {@link #version()}.
 */
public record Catalog(String version, List<Plan> plans, Map<Cloud, List<Region>> regions) {

    /**
     * A plan: tier and size, the engines it is offered for, its backups per engine family, and
     * {@code postgresConnections}, the fixed PostgreSQL connection limit of the plan.
     */
    public record Plan(String name, Tier tier, int vcpu, int ramGiB, int storageGiB, int postgresConnections,
            List<Engine> engines, Backups backup) {

        public boolean offers(Engine engine) {
            return engines.contains(engine);
        }

        /** The backup policy of {@code engine}'s family (SQL databases or the cache). */
        public BackupPolicy backupFor(Engine engine) {
            return engine == Engine.CACHE ? backup.cache() : backup.sql();
        }
    }

    /** Backups per engine family. */
    public record Backups(BackupPolicy sql, BackupPolicy cache) {
    }

    /** How far back a restore reaches, and whether backups are daily or the latest one only. */
    public record BackupPolicy(int retentionDays, BackupMode mode) {
    }

    public enum BackupMode {
        LATEST_ONLY, DAILY
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
