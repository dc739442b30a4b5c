package io.datastores.dataplane.domain;

/**
 * A plan's tier, as the catalog gives it and the contract carries it ({@code PlanTier}): what the
 * data plane's replication follows. {@code UNKNOWN}: a tier a newer catalog names.
 */
public enum Tier {
    HOBBYIST, STARTUP, BUSINESS, PREMIUM, UNKNOWN
}
