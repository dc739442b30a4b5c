package io.datastores.failover.domain;

/** Where a failover stands: in progress (the first five) or done (the last three). */
public enum FailoverState {
    /** A loss started it; a candidate is being chosen. */
    STARTED,
    /** A planned switchover the data plane prepares. */
    SWITCHING,
    /** No standby qualifies yet: waiting for one to catch up, until the catch-up wait is over. */
    BLOCKED,
    /** A standby was promoted; waiting for it to report itself primary at the new epoch. */
    PROMOTED,
    /** A new node restores from backup. */
    RESTORING,
    /** The instance serves again. */
    COMPLETED,
    /** A switchover that did not happen: the old primary serves on. */
    ABORTED,
    /** The node it promoted was lost too; the next failover took over. */
    SUPERSEDED
}
