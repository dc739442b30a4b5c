package io.datastores.provisioning.domain;

/** An organization's billing tier. One billing never mentioned counts as FREE. */
public enum OrganizationTier {
    FREE, PAID
}
