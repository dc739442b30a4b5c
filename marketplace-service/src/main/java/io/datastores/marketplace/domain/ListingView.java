package io.datastores.marketplace.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The marketplace read model of one instance: whether it is listed, what it is ({@link Offering},
 * written as the document's own fields), the names of its
 * active credentials per environment (never a secret), and its connections.
 */
public record ListingView(String instanceId, Offering offering, boolean listed, boolean deleted,
        Map<String, List<String>> credentialsByEnvironment, int activeConnections, int connectionsEver,
        Instant updatedAt) {

    public ListingView {
        offering = offering == null ? Offering.NONE : offering;
        credentialsByEnvironment = credentialsByEnvironment == null ? Map.of() : credentialsByEnvironment;
    }
}
