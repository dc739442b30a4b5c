package io.datastores.marketplace.domain;

/**
 * What an instance is, as the fleet view and the marketplace listing show it: whose it is, its name,
 * engine, cloud, region and plan. Null fields until the instance is known.
 */
public record Offering(String organizationId, String displayName, Engine engine, Cloud cloud, String region,
        String plan) {

    /** An instance not known yet. */
    static final Offering NONE = new Offering(null, null, null, null, null, null);

    Offering withPlan(String p) {
        return new Offering(organizationId, displayName, engine, cloud, region, p);
    }
}
