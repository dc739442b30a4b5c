package io.datastores.failover.domain;

/**
 * What a failover does: promote a standby, restore a new node from backup, or (planned, asked by
 * an operator) switch the primary over to a standby.
 */
public enum FailoverKind {
    PROMOTION, RESTORE, SWITCHOVER
}
