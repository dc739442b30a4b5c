package io.datastores.failover.domain;

/**
 * A plan's tier, as provisioning publishes it from the catalog: the lag budget a standby may be
 * behind and still be promoted at once is per tier ({@link FailoverPolicy#lagBudget(Tier)}).
 * {@link #UNKNOWN}: an instance failover was never told the tier of.
 */
public enum Tier {
    HOBBYIST, STARTUP, BUSINESS, PREMIUM, UNKNOWN
}
