package io.datastores.failover.domain;

/** A node's part in its instance. */
public enum Role {
    PRIMARY, STANDBY
}
