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
            return s.withInstance(new MarketplaceState.Instance(k.organizationId(), k.displayName(), k.engine(),
                    k.plan(), k.cloud(), k.region(), s.deleted()));
        }
        if (event instanceof Serving v) {
            return s.withEndpoint(new MarketplaceState.Endpoint(v.serviceHost(), v.hostAddress(), v.port(),
                    v.tlsRequired()));
        }
        if (event instanceof AdminPasswordIssued a) {
            return s.withAdminPassword(new AdminPassword(a.username(), a.sealedPassword(), a.sealKeyId()));
        }
        if (event instanceof Forgotten) {
            // the sealed admin password leaves the state with the instance
            return s.withInstance(s.instance().deleted(true)).withAdminPassword(null).withPending(List.of());
        }
        if (event instanceof VerificationRequested v) {
            List<PendingCredential> pending = new ArrayList<>(s.pending());
            pending.add(new PendingCredential(v.requestId(), v.credentialId(), v.organizationId(), v.displayName(),
                    v.environment(), v.username(), v.encryptedSecret(), v.requestedAt()));
            return decided(s, v.requestId()).withPending(pending);
        }
        if (event instanceof CredentialImported c) {
            List<Credential> credentials = new ArrayList<>(s.credentials());
            credentials.add(new Credential(c.credentialId(), c.kind(), c.displayName(), c.environment(), c.username(),
                    c.encryptedSecret(), true));
            return decided(s, c.requestId()).withCredentials(credentials)
                    .withPending(withoutRequest(s.pending(), c.requestId()));
        }
        if (event instanceof CredentialDeleted d) {
            return decided(s, d.requestId()).withCredentials(s.credentials().stream()
                    .map(c -> c.credentialId().equals(d.credentialId())
                            ? new Credential(c.credentialId(), c.kind(), c.displayName(), c.environment(), c.username(),
                                    null, false)
                            : c)
                    .toList());
        }
        if (event instanceof ListingAdded l) {
            return decided(s, l.requestId()).withListed(true);
        }
        if (event instanceof ListingRemoved l) {
            return decided(s, l.requestId()).withListed(false);
        }
        if (event instanceof ConnectionCreated c) {
            List<Connection> connections = new ArrayList<>(s.connections());
            connections.add(new Connection(c.connectionId(), c.componentId(), c.environment(), c.credentialId(),
                    c.database(), c.username(), true, c.encryptedSecret()));
            return decided(s, c.requestId()).withConnections(connections);
        }
        if (event instanceof ConnectionRemoved r) {
            return decided(s, r.requestId()).withConnections(s.connections().stream()
                    .map(c -> c.connectionId().equals(r.connectionId())
                            ? new Connection(c.connectionId(), c.componentId(), c.environment(), c.credentialId(),
                                    c.database(), c.username(), false, c.encryptedSecret())
                            : c)
                    .toList());
        }
        if (event instanceof SecretShredded x) {
            return s.withCredentials(s.credentials().stream()
                    .map(c -> c.credentialId().equals(x.keyId())
                            ? new Credential(c.credentialId(), c.kind(), c.displayName(), c.environment(), c.username(),
                                    null, c.active())
                            : c)
                    .toList()).withConnections(s.connections().stream()
                    .map(c -> c.connectionId().equals(x.keyId())
                            ? new Connection(c.connectionId(), c.componentId(), c.environment(), c.credentialId(),
                                    c.database(), c.username(), c.active(), null)
                            : c)
                    .toList());
        }
        if (event instanceof Rejected r) {
            return s.withRequests(s.requests().decided(r.requestId())
                    .refused(new MarketplaceState.Refusal(r.requestId(), r.action(), r.code(), r.reason())))
                    .withPending(withoutRequest(s.pending(), r.requestId()));
        }
        throw new IllegalArgumentException("unknown event " + event);
    }

    private static MarketplaceState decided(MarketplaceState s, String requestId) {
        return s.withRequests(s.requests().decided(requestId));
    }

    static List<PendingCredential> withoutRequest(List<PendingCredential> pending, String requestId) {
        return pending.stream().filter(p -> !p.requestId().equals(requestId)).toList();
    }
}
