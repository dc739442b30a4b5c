package io.datastores.marketplace.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The marketplace read model of one instance: whether it is listed, what it is, the names of its
 * active credentials per environment (never a secret), and its connections.
 */
public record ListingView(String instanceId, String organizationId, String displayName, Engine engine, String plan,
        Cloud cloud, String region, boolean listed, boolean deleted,
        Map<String, List<String>> credentialsByEnvironment, int activeConnections, int connectionsEver,
        Instant updatedAt) {
}
