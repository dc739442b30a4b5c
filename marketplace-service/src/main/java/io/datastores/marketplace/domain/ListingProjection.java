package io.datastores.marketplace.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.datastores.kit.decider.EventMeta;
import io.datastores.kit.decider.Projection;

/**
 * Folds marketplace events into one {@link ListingView} per instance. Credential names are kept
 * per environment while active; a deleted credential leaves the view.
 */
public final class ListingProjection implements Projection<MarketplaceEvent, ListingView> {

    /** Credential ids per environment, kept beside the view so that deletions find their name. */
    @Override
    public ListingView initial(String key) {
        return new ListingView(key, Offering.NONE, false, false, Map.of(), 0, 0, null);
    }

    @Override
    public ListingView apply(ListingView v, MarketplaceEvent e, EventMeta meta) {
        if (e instanceof MarketplaceEvent.Known k) {
            return new ListingView(v.instanceId(), new Offering(k.organizationId(), k.displayName(), k.engine(),
                    k.cloud(), k.region(), k.plan()), v.listed(), v.deleted(), v.credentialsByEnvironment(),
                    v.activeConnections(), v.connectionsEver(), meta.occurredAt());
        }
        if (e instanceof MarketplaceEvent.Forgotten) {
            return with(v, v.listed(), true, v.credentialsByEnvironment(), v.activeConnections(), v.connectionsEver(),
                    meta);
        }
        if (e instanceof MarketplaceEvent.CredentialImported c) {
            Map<String, List<String>> names = new TreeMap<>(v.credentialsByEnvironment());
            List<String> inEnv = new ArrayList<>(names.getOrDefault(c.environment(), List.of()));
            inEnv.add(label(c.credentialId(), c.displayName()));
            names.put(c.environment(), List.copyOf(inEnv));
            return with(v, v.listed(), v.deleted(), names, v.activeConnections(), v.connectionsEver(), meta);
        }
        if (e instanceof MarketplaceEvent.CredentialDeleted d) {
            Map<String, List<String>> names = new TreeMap<>();
            v.credentialsByEnvironment().forEach((env, list) -> {
                List<String> kept = list.stream().filter(n -> !n.endsWith(" [" + d.credentialId() + "]")).toList();
                if (!kept.isEmpty()) {
                    names.put(env, kept);
                }
            });
            return with(v, v.listed(), v.deleted(), names, v.activeConnections(), v.connectionsEver(), meta);
        }
        if (e instanceof MarketplaceEvent.ListingAdded || e instanceof MarketplaceEvent.ListingRemoved) {
            return with(v, e instanceof MarketplaceEvent.ListingAdded, v.deleted(), v.credentialsByEnvironment(),
                    v.activeConnections(), v.connectionsEver(), meta);
        }
        if (e instanceof MarketplaceEvent.ConnectionCreated) {
            return with(v, v.listed(), v.deleted(), v.credentialsByEnvironment(), v.activeConnections() + 1,
                    v.connectionsEver() + 1, meta);
        }
        if (e instanceof MarketplaceEvent.ConnectionRemoved) {
            return with(v, v.listed(), v.deleted(), v.credentialsByEnvironment(),
                    Math.max(0, v.activeConnections() - 1), v.connectionsEver(), meta);
        }
        if (e instanceof MarketplaceEvent.Serving || e instanceof MarketplaceEvent.AdminPasswordIssued
                || e instanceof MarketplaceEvent.VerificationRequested || e instanceof MarketplaceEvent.SecretShredded
                || e instanceof MarketplaceEvent.Rejected) {
            return v; // nothing the marketplace view shows: where it is served, secrets, a pending check, a refusal
        }
        throw new IllegalStateException("no rule projects " + e); // every event has one above
    }

    /** How a credential shows: its display name and id (names repeat across environments). */
    static String label(String credentialId, String displayName) {
        return displayName + " [" + credentialId + "]";
    }

    private static ListingView with(ListingView v, boolean listed, boolean deleted, Map<String, List<String>> names,
            int active, int ever, EventMeta meta) {
        return new ListingView(v.instanceId(), v.offering(), listed, deleted, Map.copyOf(names), active, ever,
                meta.occurredAt());
    }
}
