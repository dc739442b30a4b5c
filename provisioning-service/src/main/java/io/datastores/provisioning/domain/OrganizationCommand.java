package io.datastores.provisioning.domain;

/** What the organization stage hears: requests to screen, billing tiers, provisioning's outcomes. */
public sealed interface OrganizationCommand {

    /** A request about one of the organization's instances, before the instance stage sees it. */
    record Screen(InstanceCommand command) implements OrganizationCommand {
    }

    /** Billing says the organization's tier. */
    record ChangeTier(String organizationId, OrganizationTier tier) implements OrganizationCommand {
    }

    /** What the instance stage decided, read back from provisioning's own events. */
    record RecordOutcome(Outcome outcome, String instanceId, String requestId, String plan, boolean trial)
            implements OrganizationCommand {
    }

    enum Outcome {
        ACCEPTED, REJECTED, DELETED, PLAN_CHANGED
    }
}
