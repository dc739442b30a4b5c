package io.datastores.provisioning.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * What an organization may run (DOMAIN.md, "Entitlement"): paid organizations every plan; free-tier
 * organizations the Hobbyist plan only, as a trial of {@link #TRIAL} from the request.
 */
public final class Entitlement {

    public static final Duration TRIAL = Duration.ofDays(7);
    public static final String TRIAL_PLAN = "HOBBYIST";

    private Entitlement() {
    }

    public static boolean allows(OrganizationTier tier, String plan) {
        return tier == OrganizationTier.PAID || TRIAL_PLAN.equals(plan);
    }

    /** When a new instance's trial ends, or null when the organization pays. */
    public static Instant trialEnd(OrganizationTier tier, Instant requestedAt) {
        return tier == OrganizationTier.PAID ? null : requestedAt.plus(TRIAL);
    }

    public static String refusal(String plan) {
        return "free-tier organizations may run the " + TRIAL_PLAN + " plan only, as a " + TRIAL.toDays()
                + "-day trial; " + plan + " needs a paid tier";
    }
}
