package io.datastores.contract;

import java.util.Arrays;
import java.util.Locale;

import io.datastores.events.PlanTier;

/**
 * The tier an instance event means. {@code InstanceAccepted} and {@code PlanChanged} carry the plan's
 * tier as the catalog gives it; events written before they carried it (the field is null) meant the
 * tier the plan's name began with, as the catalog then named plans ({@code PREMIUM-8}). That fallback
 * is the contract's rule for old events, written here once: each reader maps the answer to its own
 * enum. A name no tier begins is {@link PlanTier#UNKNOWN}, never a guess.
 */
public final class PlanTiers {

    private PlanTiers() {
    }

    /** The tier an event carries, or for one written before it carried a tier, its plan name's. */
    public static PlanTier of(PlanTier carried, String plan) {
        if (carried != null) {
            return carried;
        }
        String prefix = plan == null ? "" : plan.split("-", 2)[0].toUpperCase(Locale.ROOT);
        return Arrays.stream(PlanTier.values()).filter(t -> t != PlanTier.UNKNOWN && t.name().equals(prefix))
                .findFirst().orElse(PlanTier.UNKNOWN);
    }
}
