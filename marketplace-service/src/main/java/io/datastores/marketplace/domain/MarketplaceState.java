package io.datastores.marketplace.domain;

import java.util.List;
import java.util.Optional;

import io.datastores.marketplace.domain.MarketplaceCommand.CredentialKind;

/**
 * marketplace-service's state of one instance: what provisioning said of it, its credentials
 * (secrets encrypted; a deleted one keeps its name but loses its ciphertext), whether it is listed,
 * and its connections. {@code requestIds}: requests already decided, so a retried one has one effect.
 */
public record MarketplaceState(String organizationId, String displayName, String engine, String plan, String cloud,
        String region, boolean deleted, String serviceHost, int port, boolean tlsRequired, boolean listed,
        List<Credential> credentials, List<Connection> connections, List<String> requestIds, List<Refusal> refusals) {

    /** Requests remembered per instance, for idempotence. */
    static final int REMEMBERED_REQUESTS = 200;
    /** The last refusals, so that a caller can be told why. */
    static final int REMEMBERED_REFUSALS = 20;

    public MarketplaceState {
        refusals = refusals == null ? List.of() : List.copyOf(refusals);
    }

    /** A refused request: its code and reason. */
    public record Refusal(String requestId, String action, String code, String reason) {
    }

    public Optional<Refusal> refusal(String requestId) {
        return refusals.stream().filter(r -> r.requestId().equals(requestId)).findFirst();
    }

    public boolean decided(String requestId) {
        return requestIds.contains(requestId);
    }

    MarketplaceState withRefusals(List<Refusal> r) {
        return new MarketplaceState(organizationId, displayName, engine, plan, cloud, region, deleted, serviceHost,
                port, tlsRequired, listed, credentials, connections, requestIds, r);
    }

    public record Credential(String credentialId, CredentialKind kind, String displayName, String environment,
            String username, byte[] encryptedSecret, boolean active) {
    }

    /**
     * {@code active}: false once removed. Deleting its credential or the listing leaves it working:
     * it holds its own sealed copy of the password ({@code encryptedSecret}, under the connection's
     * data key; null once shredded, or for a credential whose password the platform manages).
     */
    public record Connection(String connectionId, String componentId, String environment, String credentialId,
            String database, String username, boolean active, byte[] encryptedSecret) {
    }

    public static MarketplaceState initial() {
        return new MarketplaceState(null, null, null, null, null, null, false, null, 0, true, false, List.of(), List.of(),
                List.of(), List.of());
    }

    public boolean known() {
        return organizationId != null;
    }

    public Optional<Credential> credential(String id) {
        return credentials.stream().filter(c -> c.credentialId().equals(id)).findFirst();
    }

    public Optional<Connection> connection(String id) {
        return connections.stream().filter(c -> c.connectionId().equals(id)).findFirst();
    }

    public List<Credential> activeCredentials() {
        return credentials.stream().filter(Credential::active).toList();
    }
}
