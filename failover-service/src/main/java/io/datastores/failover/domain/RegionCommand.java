package io.datastores.failover.domain;

/** What the guard of one region (keyed by {@code cloud:region}) hears. */
public sealed interface RegionCommand {

    /** The number of watched nodes in the region changed. */
    record Count(int delta) implements RegionCommand {
    }

    /** A node went silent. */
    record Suspect(String instanceId, String nodeId) implements RegionCommand {
    }

    /** A suspected node was heard from again. */
    record Recover(String instanceId, String nodeId) implements RegionCommand {
    }

    /** The settle window of the suspicions collected so far is over. */
    record Settle() implements RegionCommand {
    }

    /** An operator's decision on a paused region: CONFIRM or DISMISS. */
    record Decide(String action, String operator, String note) implements RegionCommand {
    }
}
