package io.datastores.marketplace.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.datastores.kit.decider.Decider;
import io.datastores.marketplace.domain.MarketplaceCommand.AddListing;
import io.datastores.marketplace.domain.MarketplaceCommand.AdminIssued;
import io.datastores.marketplace.domain.MarketplaceCommand.ConcludeVerification;
import io.datastores.marketplace.domain.MarketplaceCommand.Connect;
import io.datastores.marketplace.domain.MarketplaceCommand.CredentialKind;
import io.datastores.marketplace.domain.MarketplaceCommand.DeleteCredential;
import io.datastores.marketplace.domain.MarketplaceCommand.Disconnect;
import io.datastores.marketplace.domain.MarketplaceCommand.ExpireVerification;
import io.datastores.marketplace.domain.MarketplaceCommand.Forget;
import io.datastores.marketplace.domain.MarketplaceCommand.ImportCredential;
import io.datastores.marketplace.domain.MarketplaceCommand.Know;
import io.datastores.marketplace.domain.MarketplaceCommand.RemoveListing;
import io.datastores.marketplace.domain.MarketplaceCommand.Request;
import io.datastores.marketplace.domain.MarketplaceCommand.Serve;
import io.datastores.marketplace.domain.MarketplaceEvent.AdminPasswordIssued;
import io.datastores.marketplace.domain.MarketplaceEvent.ConnectionCreated;
import io.datastores.marketplace.domain.MarketplaceEvent.ConnectionRemoved;
import io.datastores.marketplace.domain.MarketplaceEvent.CredentialDeleted;
import io.datastores.marketplace.domain.MarketplaceEvent.CredentialImported;
import io.datastores.marketplace.domain.MarketplaceEvent.Forgotten;
import io.datastores.marketplace.domain.MarketplaceEvent.Known;
import io.datastores.marketplace.domain.MarketplaceEvent.ListingAdded;
import io.datastores.marketplace.domain.MarketplaceEvent.ListingRemoved;
import io.datastores.marketplace.domain.MarketplaceEvent.Rejected;
import io.datastores.marketplace.domain.MarketplaceEvent.RejectionCode;
import io.datastores.marketplace.domain.MarketplaceEvent.SecretShredded;
import io.datastores.marketplace.domain.MarketplaceEvent.Serving;
import io.datastores.marketplace.domain.MarketplaceEvent.VerificationRequested;
import io.datastores.marketplace.domain.MarketplaceState.AdminPassword;
import io.datastores.marketplace.domain.MarketplaceState.Connection;
import io.datastores.marketplace.domain.MarketplaceState.Credential;
import io.datastores.marketplace.domain.MarketplaceState.PendingCredential;

/**
 * The marketplace rules of one instance (DOMAIN.md, "Marketplace").
 *
 * <ul>
 * <li>A credential is "created" (display name, username, password, environment) or "super admin"
 * (display name, environment; the platform's administrator account, user {@value #SUPER_ADMIN_USER});
 * display names are unique per environment among active credentials. Secrets arrive encrypted.</li>
 * <li>An instance is listed only while it exists, is not deleted, and has an active credential.</li>
 * <li>For an instance the local data plane runs (it issued the super admin's password, kept sealed
 * for marketplace-service as it came; the newest wins), created credentials are checked by logging
 * in with them before they are accepted: the import becomes a {@link VerificationRequested} (the
 * password sealed for the data plane), held pending, its display name taken; the data plane's
 * answer imports it or refuses it ({@code CREDENTIAL_REFUSED}, the server's reason), and so does
 * its silence after a while ({@link ExpireVerification}, time's).</li>
 * <li>A connection needs the instance listed and an active credential of the connection's
 * environment; it hands out the service host (and the address to dial, where no DNS serves it),
 * port, TLS, database and user name.</li>
 * <li>Removing the listing or deleting a credential blocks new connections and leaves existing ones
 * working: each connection holds its own sealed copy of its credential's password, under a data key
 * of its own. Deleting the instance ends its listing.</li>
 * <li>A secret ends with what holds it: deleting a credential, removing a connection, deleting the
 * instance, or refusing the request that brought it shreds its data key ({@link SecretShredded}).
 * The platform manages the super admin's password: an import that carries one is refused.</li>
 * <li>A caller acts only on its own organization's instances (an operator on all); every refusal is a
 * {@link Rejected} with a code and a reason; a repeated request changes nothing.</li>
 * </ul>
 */
public final class MarketplaceDecider implements Decider<MarketplaceCommand, MarketplaceState, MarketplaceEvent> {

    public static final String SUPER_ADMIN_USER = "admin";
    public static final String DEFAULT_DATABASE = "defaultdb";

    @Override
    public MarketplaceState initialState() {
        return MarketplaceState.initial();
    }

    @Override
    public List<MarketplaceEvent> decide(MarketplaceCommand command, MarketplaceState s, Instant at) {
        if (command instanceof Know k) {
            return s.known() ? List.of() : List.of(new Known(k.organizationId(), k.displayName(), k.engine(), k.plan(),
                    k.cloud(), k.region()));
        }
        if (command instanceof Serve v) {
            return s.deleted() ? List.of() : List.of(new Serving(v.serviceHost(), v.port(), v.tlsRequired(),
                    v.hostAddress()));
        }
        if (command instanceof AdminIssued a) {
            boolean same = s.adminPassword() != null && Arrays.equals(s.adminPassword().sealedPassword(),
                    a.sealedPassword());
            return s.deleted() || same || a.sealedPassword() == null ? List.of()
                    : List.of(new AdminPasswordIssued(a.username(), a.sealedPassword(), a.sealKeyId()));
        }
        if (command instanceof ConcludeVerification v) {
            return conclude(v, s);
        }
        if (command instanceof ExpireVerification x) {
            return s.pendingRequest(x.requestId()).map(p -> refuseVerification(p, "the data plane did not log in"
                    + " with the credentials within " + x.waited().toSeconds() + " s, so they could not be checked;"
                    + " import them again")).orElse(List.of());
        }
        if (command instanceof Forget) {
            if (s.deleted()) {
                return List.of();
            }
            List<MarketplaceEvent> events = new ArrayList<>();
            if (s.listed()) {
                events.add(new ListingRemoved(null, s.organizationId(), "the instance was deleted"));
            }
            s.credentials().stream().filter(c -> c.encryptedSecret() != null).forEach(c -> events.add(
                    new SecretShredded(c.credentialId(), "the instance was deleted")));
            s.connections().stream().filter(c -> c.encryptedSecret() != null).forEach(c -> events.add(
                    new SecretShredded(c.connectionId(), "the instance was deleted")));
            s.pending().stream().filter(c -> c.encryptedSecret() != null).forEach(c -> events.add(
                    new SecretShredded(c.credentialId(), "the instance was deleted")));
            events.add(new Forgotten());
            return events;
        }
        Request r = (Request) command;
        if (s.requestIds().contains(r.requestId())) {
            return List.of();
        }
        Optional<Rejected> refusal = instanceRefusal(r, s);
        if (refusal.isPresent()) {
            return refused(r, s, refusal.get());
        }
        if (command instanceof ImportCredential c) {
            return importCredential(c, s, at);
        }
        if (command instanceof DeleteCredential d) {
            Optional<Credential> credential = s.credential(d.credentialId());
            if (credential.isEmpty()) {
                return reject(r, s, RejectionCode.UNKNOWN_CREDENTIAL, "no credential " + d.credentialId());
            }
            if (!credential.get().active()) {
                return List.of();
            }
            return credential.get().encryptedSecret() == null
                    ? List.of(new CredentialDeleted(d.requestId(), d.credentialId()))
                    : List.of(new CredentialDeleted(d.requestId(), d.credentialId()),
                            new SecretShredded(d.credentialId(), "the credential was deleted"));
        }
        if (command instanceof AddListing) {
            if (s.listed()) {
                return List.of();
            }
            return s.activeCredentials().isEmpty()
                    ? reject(r, s, RejectionCode.NO_ACTIVE_CREDENTIAL,
                            "an instance is listed only with at least one active credential; import one first")
                    : List.of(new ListingAdded(r.requestId(), s.organizationId()));
        }
        if (command instanceof RemoveListing) {
            return s.listed() ? List.of(new ListingRemoved(r.requestId(), s.organizationId(), "removed on request"))
                    : reject(r, s, RejectionCode.NOT_LISTED, "the instance is not in the marketplace");
        }
        if (command instanceof Connect c) {
            return connect(c, s);
        }
        if (command instanceof Disconnect d) {
            Optional<Connection> connection = s.connection(d.connectionId());
            if (connection.isEmpty()) {
                return reject(r, s, RejectionCode.UNKNOWN_CONNECTION, "no connection " + d.connectionId());
            }
            if (!connection.get().active()) {
                return List.of();
            }
            return connection.get().encryptedSecret() == null
                    ? List.of(new ConnectionRemoved(d.requestId(), d.connectionId()))
                    : List.of(new ConnectionRemoved(d.requestId(), d.connectionId()),
                            new SecretShredded(d.connectionId(), "the connection was removed"));
        }
        throw new IllegalArgumentException("unknown command " + command);
    }

    private static Optional<Rejected> instanceRefusal(Request r, MarketplaceState s) {
        if (!s.known()) {
            return Optional.of(rejection(r, s, RejectionCode.UNKNOWN_INSTANCE, "no such instance"));
        }
        if (r.callerOrganization() != null && !r.callerOrganization().equals(s.organizationId())) {
            return Optional.of(rejection(r, s, RejectionCode.WRONG_ORGANIZATION,
                    "the instance belongs to another organization"));
        }
        if (s.deleted() && !(r instanceof Disconnect)) {
            return Optional.of(rejection(r, s, RejectionCode.INSTANCE_DELETED, "the instance is deleted"));
        }
        return Optional.empty();
    }

    private static List<MarketplaceEvent> importCredential(ImportCredential c, MarketplaceState s, Instant at) {
        if (s.credential(c.credentialId()).isPresent() || s.pendingCredential(c.credentialId()).isPresent()) {
            return List.of(); // the same credential again: imported once
        }
        if (blank(c.displayName()) || blank(c.environment()) || c.kind() == null) {
            return reject(c, s, RejectionCode.INVALID_REQUEST, "a credential needs a kind, a display name and an"
                    + " environment");
        }
        if (c.kind() == CredentialKind.CREATED && (blank(c.username()) || c.encryptedSecret() == null
                || c.encryptedSecret().length == 0)) {
            return reject(c, s, RejectionCode.INVALID_REQUEST, "created credentials need a username and a password");
        }
        if (c.kind() == CredentialKind.SUPER_ADMIN && c.encryptedSecret() != null) {
            return reject(c, s, RejectionCode.INVALID_REQUEST, "the platform manages the super admin's password:"
                    + " super admin credentials take only a display name and an environment, no password");
        }
        if (c.kind() == CredentialKind.SUPER_ADMIN && !blank(c.username())) {
            return reject(c, s, RejectionCode.INVALID_REQUEST, "super admin credentials take only a display name"
                    + " and an environment: the user is " + SUPER_ADMIN_USER);
        }
        boolean taken = s.activeCredentials().stream().anyMatch(x -> x.environment().equals(c.environment())
                && x.displayName().equalsIgnoreCase(c.displayName()))
                || s.pending().stream().anyMatch(x -> x.environment().equals(c.environment())
                        && x.displayName().equalsIgnoreCase(c.displayName()));
        if (taken) {
            return reject(c, s, RejectionCode.DUPLICATE_CREDENTIAL_NAME, "a credential named '" + c.displayName()
                    + "' exists in " + c.environment());
        }
        if (c.kind() == CredentialKind.CREATED && s.runByLocalDataPlane()) {
            if (c.verificationSecret() == null || c.verificationSecret().length == 0) {
                return reject(c, s, RejectionCode.CREDENTIAL_REFUSED, "the instance's data plane checks created"
                        + " credentials by logging in with them, and this request brought no password sealed for"
                        + " it (its key was not available yet); import them again");
            }
            return List.of(new VerificationRequested(c.requestId(), c.credentialId(), s.organizationId(),
                    c.displayName(), c.environment(), c.username(), c.encryptedSecret(), c.verificationSecret(),
                    c.verificationKeyId(), at));
        }
        String user = c.kind() != CredentialKind.SUPER_ADMIN ? c.username()
                : s.adminPassword() != null ? s.adminPassword().username() : SUPER_ADMIN_USER;
        return List.of(new CredentialImported(c.requestId(), c.credentialId(), s.organizationId(), c.kind(),
                c.displayName(), c.environment(), user, c.encryptedSecret()));
    }

    private static List<MarketplaceEvent> connect(Connect c, MarketplaceState s) {
        if (s.connection(c.connectionId()).isPresent()) {
            return List.of();
        }
        if (blank(c.componentId()) || blank(c.environment()) || blank(c.credentialId())) {
            return reject(c, s, RejectionCode.INVALID_REQUEST,
                    "a connection needs a component, an environment and a credential");
        }
        if (!s.listed()) {
            return reject(c, s, RejectionCode.NOT_LISTED,
                    "the instance is not in the marketplace: new connections are not accepted");
        }
        Optional<Credential> credential = s.credential(c.credentialId());
        if (credential.isEmpty()) {
            return reject(c, s, RejectionCode.UNKNOWN_CREDENTIAL, "no credential " + c.credentialId());
        }
        if (!credential.get().active()) {
            return reject(c, s, RejectionCode.CREDENTIAL_INACTIVE,
                    "credential " + c.credentialId() + " is deleted: new connections may not use it");
        }
        if (!credential.get().environment().equals(c.environment())) {
            return reject(c, s, RejectionCode.ENVIRONMENT_MISMATCH, "credential " + c.credentialId() + " is for "
                    + credential.get().environment() + ", not " + c.environment());
        }
        if (s.serviceHost() == null) {
            return reject(c, s, RejectionCode.INSTANCE_NOT_SERVING, "the instance is not ready yet");
        }
        String database = blank(c.database()) ? DEFAULT_DATABASE : c.database();
        return List.of(new ConnectionCreated(c.requestId(), c.connectionId(), c.componentId(), c.environment(), c.credentialId(),
                s.serviceHost(), s.port(), s.tlsRequired(), database, credential.get().username(), c.encryptedSecret(),
                s.hostAddress()));
    }

    /** The data plane's answer to a pending verification; a late or repeated one changes nothing. */
    private static List<MarketplaceEvent> conclude(ConcludeVerification v, MarketplaceState s) {
        Optional<PendingCredential> pending = s.pendingRequest(v.requestId())
                .filter(p -> p.credentialId().equals(v.credentialId()));
        if (pending.isEmpty() || s.deleted()) {
            return List.of();
        }
        PendingCredential p = pending.get();
        if (!v.verified()) {
            String reason = v.reason() == null || v.reason().isBlank() ? "the server refused the credentials"
                    : v.reason();
            return refuseVerification(p, "the data plane could not log in with the credentials: " + reason);
        }
        return List.of(new CredentialImported(p.requestId(), p.credentialId(), p.organizationId(),
                CredentialKind.CREATED, p.displayName(), p.environment(), p.username(), p.encryptedSecret()));
    }

    /** A pending verification refused: the refusal, and the end of the secret it held. */
    private static List<MarketplaceEvent> refuseVerification(PendingCredential p, String reason) {
        Rejected rejected = new Rejected(p.requestId(), p.organizationId(), "IMPORT_CREDENTIAL",
                RejectionCode.CREDENTIAL_REFUSED, reason);
        return p.encryptedSecret() == null ? List.of(rejected)
                : List.of(rejected, new SecretShredded(p.credentialId(), "the credentials were refused"));
    }

    private static List<MarketplaceEvent> reject(Request r, MarketplaceState s, RejectionCode code, String reason) {
        return refused(r, s, rejection(r, s, code, reason));
    }

    /** The refusal, and the end of the secret the request brought, if it brought a new one. */
    private static List<MarketplaceEvent> refused(Request r, MarketplaceState s, Rejected rejected) {
        Optional<String> brought = Optional.empty();
        if (r instanceof ImportCredential c && c.encryptedSecret() != null && s.credential(c.credentialId()).isEmpty()
                && s.pendingCredential(c.credentialId()).isEmpty()) {
            brought = Optional.of(c.credentialId());
        } else if (r instanceof Connect c && c.encryptedSecret() != null && s.connection(c.connectionId()).isEmpty()) {
            brought = Optional.of(c.connectionId());
        }
        return brought.<List<MarketplaceEvent>>map(keyId -> List.of(rejected, new SecretShredded(keyId,
                "the request was refused"))).orElseGet(() -> List.of(rejected));
    }

    private static Rejected rejection(Request r, MarketplaceState s, RejectionCode code, String reason) {
        String org = s.organizationId() != null ? s.organizationId()
                : r.callerOrganization() == null ? "" : r.callerOrganization();
        return new Rejected(r.requestId(), org, r.action(), code, reason);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    @Override
    public MarketplaceState evolve(MarketplaceState s, MarketplaceEvent event) {
        if (event instanceof Known k) {
            return new MarketplaceState(k.organizationId(), k.displayName(), k.engine(), k.plan(), k.cloud(), k.region(),
                    s.deleted(), s.serviceHost(), s.port(), s.tlsRequired(), s.listed(), s.credentials(),
                    s.connections(), s.requestIds(), s.refusals(), s.hostAddress(), s.adminPassword(), s.pending());
        }
        if (event instanceof Serving v) {
            return new MarketplaceState(s.organizationId(), s.displayName(), s.engine(), s.plan(), s.cloud(),
                    s.region(), s.deleted(), v.serviceHost(), v.port(), v.tlsRequired(), s.listed(), s.credentials(),
                    s.connections(), s.requestIds(), s.refusals(), v.hostAddress(), s.adminPassword(), s.pending());
        }
        if (event instanceof AdminPasswordIssued a) {
            return s.withAdminPassword(new AdminPassword(a.username(), a.sealedPassword(), a.sealKeyId()));
        }
        if (event instanceof Forgotten) {
            // the sealed admin password leaves the state with the instance
            return with(s, true, s.listed(), s.credentials(), s.connections(), null).withAdminPassword(null)
                    .withPending(List.of());
        }
        if (event instanceof VerificationRequested v) {
            List<PendingCredential> pending = new ArrayList<>(s.pending());
            pending.add(new PendingCredential(v.requestId(), v.credentialId(), v.organizationId(), v.displayName(),
                    v.environment(), v.username(), v.encryptedSecret(), v.requestedAt()));
            return with(s, s.deleted(), s.listed(), s.credentials(), s.connections(), v.requestId())
                    .withPending(pending);
        }
        if (event instanceof CredentialImported c) {
            List<Credential> credentials = new ArrayList<>(s.credentials());
            credentials.add(new Credential(c.credentialId(), c.kind(), c.displayName(), c.environment(), c.username(),
                    c.encryptedSecret(), true));
            return with(s, s.deleted(), s.listed(), credentials, s.connections(), c.requestId())
                    .withPending(withoutRequest(s.pending(), c.requestId()));
        }
        if (event instanceof CredentialDeleted d) {
            return with(s, s.deleted(), s.listed(), s.credentials().stream()
                    .map(c -> c.credentialId().equals(d.credentialId())
                            ? new Credential(c.credentialId(), c.kind(), c.displayName(), c.environment(), c.username(),
                                    null, false)
                            : c)
                    .toList(), s.connections(), d.requestId());
        }
        if (event instanceof ListingAdded l) {
            return with(s, s.deleted(), true, s.credentials(), s.connections(), l.requestId());
        }
        if (event instanceof ListingRemoved l) {
            return with(s, s.deleted(), false, s.credentials(), s.connections(), l.requestId());
        }
        if (event instanceof ConnectionCreated c) {
            List<Connection> connections = new ArrayList<>(s.connections());
            connections.add(new Connection(c.connectionId(), c.componentId(), c.environment(), c.credentialId(),
                    c.database(), c.username(), true, c.encryptedSecret()));
            return with(s, s.deleted(), s.listed(), s.credentials(), connections, c.requestId());
        }
        if (event instanceof ConnectionRemoved r) {
            return with(s, s.deleted(), s.listed(), s.credentials(), s.connections().stream()
                    .map(c -> c.connectionId().equals(r.connectionId())
                            ? new Connection(c.connectionId(), c.componentId(), c.environment(), c.credentialId(),
                                    c.database(), c.username(), false, c.encryptedSecret())
                            : c)
                    .toList(), r.requestId());
        }
        if (event instanceof SecretShredded x) {
            return with(s, s.deleted(), s.listed(), s.credentials().stream()
                    .map(c -> c.credentialId().equals(x.keyId())
                            ? new Credential(c.credentialId(), c.kind(), c.displayName(), c.environment(), c.username(),
                                    null, c.active())
                            : c)
                    .toList(), s.connections().stream()
                    .map(c -> c.connectionId().equals(x.keyId())
                            ? new Connection(c.connectionId(), c.componentId(), c.environment(), c.credentialId(),
                                    c.database(), c.username(), c.active(), null)
                            : c)
                    .toList(), null);
        }
        if (event instanceof Rejected r) {
            MarketplaceState after = with(s, s.deleted(), s.listed(), s.credentials(), s.connections(), r.requestId())
                    .withPending(withoutRequest(s.pending(), r.requestId()));
            List<MarketplaceState.Refusal> refusals = new ArrayList<>(after.refusals());
            refusals.add(new MarketplaceState.Refusal(r.requestId(), r.action(), r.code().name(), r.reason()));
            return after.withRefusals(refusals.subList(Math.max(0, refusals.size() - MarketplaceState.REMEMBERED_REFUSALS),
                    refusals.size()));
        }
        return s;
    }

    private static MarketplaceState with(MarketplaceState s, boolean deleted, boolean listed,
            List<Credential> credentials, List<Connection> connections, String requestId) {
        List<String> ids = s.requestIds();
        if (requestId != null && !ids.contains(requestId)) {
            List<String> more = new ArrayList<>(ids);
            more.add(requestId);
            ids = List.copyOf(more.subList(Math.max(0, more.size() - MarketplaceState.REMEMBERED_REQUESTS),
                    more.size()));
        }
        return new MarketplaceState(s.organizationId(), s.displayName(), s.engine(), s.plan(), s.cloud(), s.region(),
                deleted, s.serviceHost(), s.port(), s.tlsRequired(), listed, List.copyOf(credentials),
                List.copyOf(connections), ids, s.refusals(), s.hostAddress(), s.adminPassword(), s.pending());
    }

    private static List<PendingCredential> withoutRequest(List<PendingCredential> pending, String requestId) {
        return pending.stream().filter(p -> !p.requestId().equals(requestId)).toList();
    }
}
