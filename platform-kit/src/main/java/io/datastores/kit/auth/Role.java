package io.datastores.kit.auth;

/** What a token allows: viewers read, platform services also write, operators do everything, everywhere. */
public enum Role {
    VIEWER, PLATFORM, OPERATOR
}
