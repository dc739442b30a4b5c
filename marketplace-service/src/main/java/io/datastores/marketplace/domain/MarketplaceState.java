package io.datastores.marketplace.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.datastores.marketplace.domain.MarketplaceCommand.CredentialKind;

/**
 * marketplace-service's state of one instance: what provisioning said of it, its credentials
 * (secrets encrypted; a deleted one keeps its name but loses its ciphertext), whether it is listed,
 * and its connections. {@code requestIds}: requests already decided, so a retried one has one effect.
 * {@code hostAddress}: the address to dial where no DNS serves the service host (the local data
 * plane's endpoint), null otherwise. {@code adminPassword}: the super admin's password as the local
 * data plane issued it (the newest; sealed for marketplace-service's key), null for an instance no
 * local data plane runs. {@code pending}: created credentials waiting for the data plane to log in
 * with them.
 */
public record MarketplaceState(String organizationId, String displayName, String engine, String plan, String cloud,
        String region, boolean deleted, String serviceHost, int port, boolean tlsRequired, boolean listed,
        List<Credential> credentials, List<Connection> connections, List<String> requestIds, List<Refusal> refusals,
        String hostAddress, AdminPassword adminPassword, List<PendingCredential> pending) {

    /** Requests remembered per instance, for idempotence. */
    static final int REMEMBERED_REQUESTS = 200;
    /** The last refusals, so that a caller can be told why. */
    static final int REMEMBERED_REFUSALS = 20;

    public MarketplaceState {
        refusals = refusals == null ? List.of() : List.copyOf(refusals);
        pending = pending == null ? List.of() : List.copyOf(pending);
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
                port, tlsRequired, listed, credentials, connections, requestIds, r, hostAddress, adminPassword,
                pending);
    }

    MarketplaceState withAdminPassword(AdminPassword a) {
        return new MarketplaceState(organizationId, displayName, engine, plan, cloud, region, deleted, serviceHost,
                port, tlsRequired, listed, credentials, connections, requestIds, refusals, hostAddress, a, pending);
    }

    MarketplaceState withPending(List<PendingCredential> p) {
        return new MarketplaceState(organizationId, displayName, engine, plan, cloud, region, deleted, serviceHost,
                port, tlsRequired, listed, credentials, connections, requestIds, refusals, hostAddress, adminPassword,
                p);
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

    /**
     * The super admin's password, sealed by the local data plane for marketplace-service's key
     * ({@code sealKeyId}), bound to the instance id; a newer one (after a restore) replaces it.
     */
    public record AdminPassword(String username, byte[] sealedPassword, String sealKeyId) {
    }

    /**
     * Created credentials the data plane is logging in with: accepted when it could, refused with
     * the server's reason when it could not, or when it did not answer in time. Its secret is held
     * as a credential's is, under the credential's data key.
     */
    public record PendingCredential(String requestId, String credentialId, String organizationId,
            String displayName, String environment, String username, byte[] encryptedSecret, Instant requestedAt) {
    }

    public static MarketplaceState initial() {
        return new MarketplaceState(null, null, null, null, null, null, false, null, 0, true, false, List.of(), List.of(),
                List.of(), List.of(), null, null, List.of());
    }

    public boolean known() {
        return organizationId != null;
    }

    /** Whether the local data plane runs the instance: it issued the super admin's password. */
    public boolean runByLocalDataPlane() {
        return adminPassword != null;
    }

    public Optional<Credential> credential(String id) {
        return credentials.stream().filter(c -> c.credentialId().equals(id)).findFirst();
    }

    public Optional<PendingCredential> pendingCredential(String id) {
        return pending.stream().filter(c -> c.credentialId().equals(id)).findFirst();
    }

    public Optional<PendingCredential> pendingRequest(String requestId) {
        return pending.stream().filter(c -> c.requestId().equals(requestId)).findFirst();
    }

    public Optional<Connection> connection(String id) {
        return connections.stream().filter(c -> c.connectionId().equals(id)).findFirst();
    }

    public List<Credential> activeCredentials() {
        return credentials.stream().filter(Credential::active).toList();
    }
}
