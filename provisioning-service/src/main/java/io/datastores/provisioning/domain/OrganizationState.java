package io.datastores.provisioning.domain;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One organization: its tier, the display names its instances hold (per engine), and the instances
 * it owns. Maps are sorted so that the stored state is the same bytes on every replay.
 */
public record OrganizationState(OrganizationTier tier, Map<String, Reservation> names, Map<String, Owned> instances) {

    /** A display name held for an instance by a request; confirmed once the instance is accepted. */
    public record Reservation(String instanceId, String requestId, boolean confirmed) {
    }

    /** An instance the organization owns. */
    public record Owned(String plan, boolean trial) {
    }

    public static OrganizationState initial() {
        return new OrganizationState(OrganizationTier.FREE, new TreeMap<>(), new TreeMap<>());
    }

    /** The key a display name is unique under: engine and the name, case and spacing folded. */
    public static String nameKey(Engine engine, String displayName) {
        return engine + "/" + displayName.trim().replaceAll("\\s+", " ").toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether {@code instanceId} holds a name here or is owned: it counts towards the cap. */
    public boolean holds(String instanceId) {
        return instances.containsKey(instanceId)
                || names.values().stream().anyMatch(r -> r.instanceId().equals(instanceId));
    }

    /**
     * How many instances the organization holds: owned, or holding a name for a request not yet
     * decided. Each has an entry or two in this one record (see
     * {@link OrganizationDecider#MAX_INSTANCES}).
     */
    public int held() {
        Set<String> ids = new HashSet<>(instances.keySet());
        names.values().forEach(r -> ids.add(r.instanceId()));
        return ids.size();
    }

    OrganizationState with(OrganizationTier t) {
        return new OrganizationState(t, names, instances);
    }

    OrganizationState withName(String key, Reservation r) {
        Map<String, Reservation> copy = new TreeMap<>(names);
        if (r == null) {
            copy.remove(key);
        } else {
            copy.put(key, r);
        }
        return new OrganizationState(tier, copy, instances);
    }

    OrganizationState withInstance(String instanceId, Owned owned) {
        Map<String, Owned> copy = new TreeMap<>(instances);
        if (owned == null) {
            copy.remove(instanceId);
        } else {
            copy.put(instanceId, owned);
        }
        return new OrganizationState(tier, names, copy);
    }
}
