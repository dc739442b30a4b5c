package io.datastores.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.datastores.events.PlanTier;

/** The contract's rule for the tier of an instance event, old events included. */
class PlanTiersTest {

    @Test
    void theCarriedTierWinsOverThePlanName() {
        // a catalog may name a plan anything: the tier it publishes is what counts
        assertThat(PlanTiers.of(PlanTier.PREMIUM, "GOLD-8")).isEqualTo(PlanTier.PREMIUM);
        assertThat(PlanTiers.of(PlanTier.BUSINESS, "PREMIUM-8")).isEqualTo(PlanTier.BUSINESS);
        assertThat(PlanTiers.of(PlanTier.UNKNOWN, "PREMIUM-8")).isEqualTo(PlanTier.UNKNOWN);
    }

    @Test
    void eventsWrittenBeforeTheTierWasCarriedReadItFromThePlanName() {
        assertThat(PlanTiers.of(null, "PREMIUM-8")).isEqualTo(PlanTier.PREMIUM);
        assertThat(PlanTiers.of(null, "business-4")).isEqualTo(PlanTier.BUSINESS);
        assertThat(PlanTiers.of(null, "HOBBYIST")).isEqualTo(PlanTier.HOBBYIST);
    }

    @Test
    void aNameNoTierBeginsIsUnknownNotAGuess() {
        assertThat(PlanTiers.of(null, "GOLD-8")).isEqualTo(PlanTier.UNKNOWN);
        assertThat(PlanTiers.of(null, "UNKNOWN-1")).isEqualTo(PlanTier.UNKNOWN);
        assertThat(PlanTiers.of(null, null)).isEqualTo(PlanTier.UNKNOWN);
        assertThat(PlanTiers.of(null, "")).isEqualTo(PlanTier.UNKNOWN);
    }
}
