package io.datastores.marketplace.domain;

import io.datastores.marketplace.domain.MarketplaceCommand.CredentialKind;

/**
 * What marketplace-service decides about one instance. Known, Serving and Forgotten change only its
 * state; SecretShredded destroys a data key.
 */
public sealed interface MarketplaceEvent {

    record Known(String organizationId, String displayName, String engine, String plan, String cloud, String region)
            implements MarketplaceEvent {
    }

    record Serving(String serviceHost, int port, boolean tlsRequired) implements MarketplaceEvent {
    }

    record Forgotten() implements MarketplaceEvent {
    }

    record CredentialImported(String requestId, String credentialId, String organizationId, CredentialKind kind,
            String displayName, String environment, String username, byte[] encryptedSecret)
            implements MarketplaceEvent {
    }

    record CredentialDeleted(String requestId, String credentialId) implements MarketplaceEvent {
    }

    record ListingAdded(String requestId, String organizationId) implements MarketplaceEvent {
    }

    record ListingRemoved(String requestId, String organizationId, String reason) implements MarketplaceEvent {
    }

    /** {@code encryptedSecret}: the connection's own sealed copy of the password (kept, never published). */
    record ConnectionCreated(String requestId, String connectionId, String componentId, String environment, String credentialId,
            String serviceHost, int port, boolean tlsRequired, String database, String username,
            byte[] encryptedSecret) implements MarketplaceEvent {
    }

    record ConnectionRemoved(String requestId, String connectionId) implements MarketplaceEvent {
    }

    /**
     * A secret's end: its data key (keyed by {@code keyId}, a credential's or a connection's id) is
     * destroyed, so its ciphertext can never be opened again. Not published; the topology writes
     * the key's tombstone.
     */
    record SecretShredded(String keyId, String reason) implements MarketplaceEvent {
    }

    record Rejected(String requestId, String organizationId, String action, RejectionCode code, String reason)
            implements MarketplaceEvent {
    }

    /** Why a marketplace request is refused. */
    enum RejectionCode {
        UNKNOWN_INSTANCE, INSTANCE_DELETED, WRONG_ORGANIZATION, INVALID_REQUEST, DUPLICATE_CREDENTIAL_NAME,
        UNKNOWN_CREDENTIAL, NO_ACTIVE_CREDENTIAL, NOT_LISTED, CREDENTIAL_INACTIVE, ENVIRONMENT_MISMATCH,
        UNKNOWN_CONNECTION, INSTANCE_NOT_SERVING
    }
}
