package io.datastores.marketplace.domain;

import java.util.ArrayList;
import java.util.List;

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
import io.datastores.marketplace.domain.MarketplaceEvent.SecretShredded;
import io.datastores.marketplace.domain.MarketplaceEvent.Serving;
import io.datastores.marketplace.domain.MarketplaceEvent.VerificationRequested;
import io.datastores.marketplace.domain.MarketplaceState.AdminPassword;
import io.datastores.marketplace.domain.MarketplaceState.Connection;
import io.datastores.marketplace.domain.MarketplaceState.Credential;
import io.datastores.marketplace.domain.MarketplaceState.PendingCredential;

/** How each marketplace event changes an instance's {@link MarketplaceState}. */
final class MarketplaceEvolution {

    private MarketplaceEvolution() {
    }

    static MarketplaceState evolve(MarketplaceState s, MarketplaceEvent event) {
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
        throw new IllegalArgumentException("unknown event " + event);
    }

    static MarketplaceState with(MarketplaceState s, boolean deleted, boolean listed,
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

    static List<PendingCredential> withoutRequest(List<PendingCredential> pending, String requestId) {
        return pending.stream().filter(p -> !p.requestId().equals(requestId)).toList();
    }
}
