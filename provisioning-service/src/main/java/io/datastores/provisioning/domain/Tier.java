package io.datastores.provisioning.domain;

/** Plan tiers and their topology (DOMAIN.md, "Service plans"). */
public enum Tier {
    HOBBYIST(1), STARTUP(1), BUSINESS(2), PREMIUM(3);

    private final int nodes;

    Tier(int nodes) {
        this.nodes = nodes;
    }

    /** Primary plus standbys. */
    public int nodes() {
        return nodes;
    }
}
