package io.datastores.provisioning.domain;

/** Why a request is refused; stable codes that callers may branch on. */
public enum RejectionCode {
    UNKNOWN_ENGINE,
    UNKNOWN_CLOUD,
    UNKNOWN_REGION,
    UNKNOWN_PLAN,
    PLAN_NOT_OFFERED,
    PLAN_UNCHANGED,
    PLAINTEXT_NOT_ALLOWED,
    INVALID_DISPLAY_NAME,
    DISPLAY_NAME_TAKEN,
    INVALID_CIDR,
    NOT_ENTITLED,
    INSTANCE_EXISTS,
    UNKNOWN_INSTANCE,
    WRONG_ORGANIZATION,
    CHANGE_IN_PROGRESS,
    INSTANCE_SUSPENDED,
    INSTANCE_DELETED,
    /** The data plane could not run the instance's nodes; it can only be deleted. */
    INSTANCE_FAILED,
    /**
     * The organization holds {@link OrganizationDecider#MAX_INSTANCES} instances already
     * (requested or running); it may request another once it deletes one.
     */
    TOO_MANY_INSTANCES
}
