package io.datastores.marketplace.domain;

import java.time.Instant;

import io.datastores.marketplace.domain.MarketplaceCommand.CredentialKind;

/**
 * What marketplace-service decides about one instance. Known, Serving, Forgotten and
 * AdminPasswordIssued change only its state; SecretShredded destroys a data key.
 */
public sealed interface MarketplaceEvent {

    record Known(String organizationId, String displayName, Engine engine, String plan, Cloud cloud, String region)
            implements MarketplaceEvent {
    }

    record Serving(String serviceHost, int port, boolean tlsRequired, String hostAddress) implements MarketplaceEvent {
    }

    /** The newest super admin password the local data plane issued, kept sealed as it came. */
    record AdminPasswordIssued(String username, byte[] sealedPassword, String sealKeyId) implements MarketplaceEvent {
    }

    /**
     * Created credentials held until the data plane has logged in with them: {@code verificationSecret}
     * (sealed for the data plane) is published, never kept; {@code encryptedSecret} is kept as a
     * credential's.
     */
    record VerificationRequested(String requestId, String credentialId, String organizationId, String displayName,
            String environment, String username, byte[] encryptedSecret, byte[] verificationSecret,
            String verificationKeyId, Instant requestedAt) implements MarketplaceEvent {
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
            byte[] encryptedSecret, String hostAddress) implements MarketplaceEvent {
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

    record Rejected(String requestId, String organizationId, MarketplaceCommand.Action action, RejectionCode code, String reason)
            implements MarketplaceEvent {
    }

    /** Why a marketplace request is refused. */
    enum RejectionCode {
        UNKNOWN_INSTANCE, INSTANCE_DELETED, WRONG_ORGANIZATION, INVALID_REQUEST, DUPLICATE_CREDENTIAL_NAME,
        UNKNOWN_CREDENTIAL, NO_ACTIVE_CREDENTIAL, NOT_LISTED, CREDENTIAL_INACTIVE, ENVIRONMENT_MISMATCH,
        UNKNOWN_CONNECTION, INSTANCE_NOT_SERVING,
        /** The data plane could not log in with created credentials (the server's reason), or did not answer. */
        CREDENTIAL_REFUSED
    }
}
