package io.datastores.provisioning.domain;

/** What the organization stage decided. */
public sealed interface OrganizationEvent {

    /** The request goes on to its instance (a new instance's request carries its trial end). */
    record Admitted(InstanceCommand command) implements OrganizationEvent {
    }

    /** The request is refused before it reaches its instance. */
    record Refused(String requestId, String organizationId, String instanceId, RejectionCode code, String message)
            implements OrganizationEvent {
    }

    /** Internal: the organization's tier. */
    record TierChanged(OrganizationTier tier) implements OrganizationEvent {
    }

    /** An instance is no longer a trial: its organization pays. */
    record TrialLifted(String organizationId, String instanceId) implements OrganizationEvent {
    }

    /** Internal: a display name is held for an instance (pending until the instance is accepted). */
    record NameReserved(String nameKey, String instanceId, String requestId) implements OrganizationEvent {
    }

    /** Internal: an instance of the organization is accepted. */
    record InstanceOwned(String instanceId, String requestId, String plan, boolean trial) implements OrganizationEvent {
    }

    /** Internal: an instance's plan changed. */
    record PlanRecorded(String instanceId, String plan) implements OrganizationEvent {
    }

    /** Internal: a held name is free again (its request was refused, or its instance deleted). */
    record NameReleased(String nameKey, String instanceId) implements OrganizationEvent {
    }
}
