package io.datastores.marketplace.domain;

import static io.datastores.marketplace.domain.Refusals.blank;
import static io.datastores.marketplace.domain.Refusals.reject;

import java.util.List;
import java.util.Optional;

import io.datastores.marketplace.domain.MarketplaceCommand.Connect;
import io.datastores.marketplace.domain.MarketplaceCommand.Disconnect;
import io.datastores.marketplace.domain.MarketplaceEvent.ConnectionCreated;
import io.datastores.marketplace.domain.MarketplaceEvent.ConnectionRemoved;
import io.datastores.marketplace.domain.MarketplaceEvent.RejectionCode;
import io.datastores.marketplace.domain.MarketplaceEvent.SecretShredded;
import io.datastores.marketplace.domain.MarketplaceState.Connection;
import io.datastores.marketplace.domain.MarketplaceState.Credential;

/**
 * Connections: one needs the instance listed, serving, and an active credential of its environment;
 * it hands out host, port, TLS, database and user, and holds its own sealed copy of the password.
 * Removing one shreds that copy.
 */
final class ConnectionRules {

    private ConnectionRules() {
    }

    static List<MarketplaceEvent> connect(Connect c, MarketplaceState s) {
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
        String database = blank(c.database()) ? MarketplaceDecider.DEFAULT_DATABASE : c.database();
        return List.of(new ConnectionCreated(c.requestId(), c.connectionId(), c.componentId(), c.environment(), c.credentialId(),
                s.serviceHost(), s.port(), s.tlsRequired(), database, credential.get().username(), c.encryptedSecret(),
                s.hostAddress()));
    }

    static List<MarketplaceEvent> disconnect(Disconnect d, MarketplaceState s) {
        Optional<Connection> connection = s.connection(d.connectionId());
        if (connection.isEmpty()) {
            return reject(d, s, RejectionCode.UNKNOWN_CONNECTION, "no connection " + d.connectionId());
        }
        if (!connection.get().active()) {
            return List.of();
        }
        return connection.get().encryptedSecret() == null
                ? List.of(new ConnectionRemoved(d.requestId(), d.connectionId()))
                : List.of(new ConnectionRemoved(d.requestId(), d.connectionId()),
                        new SecretShredded(d.connectionId(), "the connection was removed"));
    }
}
