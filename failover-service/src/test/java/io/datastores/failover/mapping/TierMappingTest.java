package io.datastores.failover.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.datastores.events.PlanTier;
import io.datastores.failover.domain.Tier;

/** The tier failover decides by is the one provisioning published from its catalog. */
class TierMappingTest {

    @Test
    void theCarriedTierWinsOverThePlanName() {
        // a catalog may name a plan anything: the tier it publishes is what counts
        assertThat(FailoverMapping.tier(PlanTier.PREMIUM, "GOLD-8")).isEqualTo(Tier.PREMIUM);
        assertThat(FailoverMapping.tier(PlanTier.BUSINESS, "PREMIUM-8")).isEqualTo(Tier.BUSINESS);
    }

    @Test
    void everyTierOfTheContractIsOneOfFailovers() {
        for (PlanTier t : PlanTier.values()) {
            assertThat(FailoverMapping.tier(t, null).name()).isEqualTo(t.name());
        }
    }

    @Test
    void eventsWrittenBeforeTheTierWasCarriedFollowTheContractsRule() {
        // the rule itself is the contract's (PlanTiersTest)
        assertThat(FailoverMapping.tier(null, "PREMIUM-8")).isEqualTo(Tier.PREMIUM);
        assertThat(FailoverMapping.tier(null, "GOLD-8")).isEqualTo(Tier.UNKNOWN);
    }
}
