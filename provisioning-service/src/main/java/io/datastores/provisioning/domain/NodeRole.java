package io.datastores.provisioning.domain;

public enum NodeRole {
    PRIMARY, STANDBY
}
