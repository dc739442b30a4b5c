package io.datastores.dataplane.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.datastores.dataplane.domain.Command;
import io.datastores.dataplane.domain.Fleet;
import io.datastores.dataplane.domain.Tier;
import io.datastores.dataplane.run.FleetStore;
import io.datastores.events.Cloud;
import io.datastores.events.Engine;
import io.datastores.events.InstanceAccepted;
import io.datastores.events.PlanTier;

/**
 * The tier travels in the contract: the data plane takes the one the event carries, reads a plan's name
 * only for events written before it was carried, and a fleet it stored before it kept tiers reads with
 * each instance's tier by the same rule.
 */
class TierTest {

    private static InstanceAccepted accepted(String plan, PlanTier tier) {
        return InstanceAccepted.newBuilder().setRequestId("r").setOrganizationId("org").setInstanceId("i-1")
                .setDisplayName("orders").setEngine(Engine.POSTGRESQL).setPlan(plan).setCloud(Cloud.AWS)
                .setRegion("us-east-1").setCatalogVersion("v1").setNodeCount(3).setServiceHost("i-1.db")
                .setTier(tier).build();
    }

    @Test
    void theCarriedTierWins() {
        Command.Accept a = (Command.Accept) ContractMapping.command(accepted("ENTERPRISE-4", PlanTier.PREMIUM))
                .orElseThrow();
        assertThat(a.tier()).isEqualTo(Tier.PREMIUM);
        assertThat(a.engine()).isEqualTo(io.datastores.dataplane.domain.Engine.POSTGRESQL);
        Command.Accept b = (Command.Accept) ContractMapping.command(accepted("PREMIUM-4", PlanTier.BUSINESS))
                .orElseThrow();
        assertThat(b.tier()).isEqualTo(Tier.BUSINESS);
    }

    @Test
    void anEventWrittenBeforeTheTierWasCarriedReadsItFromThePlansName() {
        assertThat(ContractMapping.tier(null, "PREMIUM-4")).isEqualTo(Tier.PREMIUM);
        assertThat(ContractMapping.tier(null, "hobbyist")).isEqualTo(Tier.HOBBYIST);
        assertThat(ContractMapping.tier(null, "CUSTOM-9")).isEqualTo(Tier.UNKNOWN);
        assertThat(ContractMapping.tier(null, null)).isEqualTo(Tier.UNKNOWN);
    }

    @Test
    void aFleetStoredBeforeInstancesKeptTheirTierReadsWithIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fleet.json");
        Files.writeString(file, """
                {"instances": {
                  "i-1": {"instanceId": "i-1", "engine": "POSTGRESQL", "plan": "PREMIUM-4", "serviceHost": "i-1.db",
                          "endpointPort": 15400, "connectionLimit": 100, "allowlist": [], "epoch": 1,
                          "primaryNodeId": null, "nodes": {}},
                  "i-2": {"instanceId": "i-2", "engine": "POSTGRESQL", "plan": "BUSINESS-4", "serviceHost": "i-2.db",
                          "endpointPort": 15401, "connectionLimit": 100, "allowlist": [], "epoch": 1,
                          "primaryNodeId": null, "nodes": {}}},
                 "firstPort": 15400, "lastPort": 15499}
                """);
        Fleet fleet = new FleetStore(file, Fleet.empty(15400, 15499)).get();
        assertThat(fleet.instance("i-1").orElseThrow().tier()).isEqualTo(Tier.PREMIUM);
        assertThat(fleet.instance("i-1").orElseThrow().synchronous()).isTrue();
        assertThat(fleet.instance("i-2").orElseThrow().tier()).isEqualTo(Tier.BUSINESS);
        assertThat(List.of(fleet.instance("i-2").orElseThrow().synchronous())).containsExactly(false);
    }
}
