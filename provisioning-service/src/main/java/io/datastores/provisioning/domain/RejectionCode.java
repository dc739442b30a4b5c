package io.datastores.provisioning.domain;

/** Why a request is refused; stable codes that callers may branch on. */
public enum RejectionCode {
    PLAINTEXT_NOT_ALLOWED,
    UNKNOWN_PLAN,
    UNKNOWN_REGION,
    INVALID_DISPLAY_NAME,
    INVALID_CIDR,
    INSTANCE_EXISTS,
    UNKNOWN_INSTANCE,
    WRONG_ORGANIZATION,
    INSTANCE_NOT_READY,
    INSTANCE_DELETED
}
