package io.datastores.marketplace.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.datastores.marketplace.domain.MarketplaceCommand.CredentialKind;

/**
 * marketplace-service's state of one instance, in parts: what provisioning said of it
 * ({@link Instance}), where it serves ({@link Endpoint}), whether it is listed, its credentials
 * (secrets encrypted; a deleted one keeps its name but loses its ciphertext), the created ones
 * waiting for the data plane to log in with them ({@code pending}), its connections, the super
 * admin's password as the local data plane issued it ({@code adminPassword}: the newest, sealed for
 * marketplace-service's key; null for an instance no local data plane runs), and the requests
 * already decided ({@link Requests}), so that a retried one has one effect. Its accessors named
 * after the fields of its parts read them (such as {@link #organizationId()}).
 */
public record MarketplaceState(Instance instance, Endpoint endpoint, boolean listed,
        List<Credential> credentials, List<PendingCredential> pending, List<Connection> connections,
        AdminPassword adminPassword, Requests requests) {

    /** Requests remembered per instance, for idempotence. */
    static final int REMEMBERED_REQUESTS = 200;
    /** The last refusals, so that a caller can be told why. */
    static final int REMEMBERED_REFUSALS = 20;

    public MarketplaceState {
        credentials = credentials == null ? List.of() : List.copyOf(credentials);
        pending = pending == null ? List.of() : List.copyOf(pending);
        connections = connections == null ? List.of() : List.copyOf(connections);
    }

    /**
     * The instance as provisioning accepted it; {@code deleted} once it is deleted. No organization
     * until provisioning's word was heard.
     */
    public record Instance(String organizationId, String displayName, Engine engine, String plan,
            Cloud cloud, String region, boolean deleted) {

        static final Instance NONE = new Instance(null, null, null, null, null, null, false);

        Instance deleted(boolean d) {
            return new Instance(organizationId, displayName, engine, plan, cloud, region, d);
        }
    }

    /**
     * Where clients connect: the service host and port, whether TLS is required, and
     * {@code hostAddress}, the address to dial where no DNS serves the host (the local data plane's
     * endpoint), null otherwise. Before the instance serves: no host, port 0, TLS required.
     */
    public record Endpoint(String serviceHost, String hostAddress, int port, boolean tlsRequired) {

        static final Endpoint NONE = new Endpoint(null, null, 0, true);
    }

    /**
     * The requests decided (the newest {@value #REMEMBERED_REQUESTS}) and the last
     * {@value #REMEMBERED_REFUSALS} refusals among them, so that a caller can be told why.
     */
    public record Requests(List<String> decided, List<Refusal> refusals) {

        static final Requests NONE = new Requests(List.of(), List.of());

        public Requests {
            decided = decided == null ? List.of() : List.copyOf(decided);
            refusals = refusals == null ? List.of() : List.copyOf(refusals);
        }

        /** With {@code requestId} decided, if it is not yet. */
        Requests decided(String requestId) {
            if (requestId == null || decided.contains(requestId)) {
                return this;
            }
            List<String> more = new ArrayList<>(decided);
            more.add(requestId);
            return new Requests(more.subList(Math.max(0, more.size() - REMEMBERED_REQUESTS), more.size()),
                    refusals);
        }

        Requests refused(Refusal r) {
            List<Refusal> more = new ArrayList<>(refusals);
            more.add(r);
            return new Requests(decided, more.subList(Math.max(0, more.size() - REMEMBERED_REFUSALS),
                    more.size()));
        }
    }

    /** A refused request: its action, code and reason. */
    public record Refusal(String requestId, MarketplaceCommand.Action action, MarketplaceEvent.RejectionCode code, String reason) {
    }

    public Optional<Refusal> refusal(String requestId) {
        return requests.refusals().stream().filter(r -> r.requestId().equals(requestId)).findFirst();
    }

    public boolean decided(String requestId) {
        return requests.decided().contains(requestId);
    }

    public String organizationId() {
        return instance.organizationId();
    }

    public String displayName() {
        return instance.displayName();
    }

    public Engine engine() {
        return instance.engine();
    }

    public String plan() {
        return instance.plan();
    }

    public Cloud cloud() {
        return instance.cloud();
    }

    public String region() {
        return instance.region();
    }

    public boolean deleted() {
        return instance.deleted();
    }

    public String serviceHost() {
        return endpoint.serviceHost();
    }

    public String hostAddress() {
        return endpoint.hostAddress();
    }

    public int port() {
        return endpoint.port();
    }

    public boolean tlsRequired() {
        return endpoint.tlsRequired();
    }

    MarketplaceState withInstance(Instance i) {
        return new MarketplaceState(i, endpoint, listed, credentials, pending, connections, adminPassword, requests);
    }

    MarketplaceState withEndpoint(Endpoint e) {
        return new MarketplaceState(instance, e, listed, credentials, pending, connections, adminPassword, requests);
    }

    MarketplaceState withListed(boolean l) {
        return new MarketplaceState(instance, endpoint, l, credentials, pending, connections, adminPassword, requests);
    }

    MarketplaceState withCredentials(List<Credential> c) {
        return new MarketplaceState(instance, endpoint, listed, c, pending, connections, adminPassword, requests);
    }

    MarketplaceState withPending(List<PendingCredential> p) {
        return new MarketplaceState(instance, endpoint, listed, credentials, p, connections, adminPassword, requests);
    }

    MarketplaceState withConnections(List<Connection> c) {
        return new MarketplaceState(instance, endpoint, listed, credentials, pending, c, adminPassword, requests);
    }

    MarketplaceState withAdminPassword(AdminPassword a) {
        return new MarketplaceState(instance, endpoint, listed, credentials, pending, connections, a, requests);
    }

    MarketplaceState withRequests(Requests r) {
        return new MarketplaceState(instance, endpoint, listed, credentials, pending, connections, adminPassword, r);
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
        return new MarketplaceState(Instance.NONE, Endpoint.NONE, false, List.of(), List.of(), List.of(), null,
                Requests.NONE);
    }

    public boolean known() {
        return instance.organizationId() != null;
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
