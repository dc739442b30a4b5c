package io.datastores.marketplace.domain;

/**
 * What marketplace-service hears about one instance, keyed by instance id: provisioning's facts, the
 * local data plane's facts, callers' requests and what time owes them. {@code callerOrganization}
 * is null for an operator (every organization).
 */
public sealed interface MarketplaceCommand {

    /** Provisioning accepted the instance. */
    record Know(String organizationId, String displayName, Engine engine, String plan, Cloud cloud, String region)
            implements MarketplaceCommand {
    }

    /**
     * The instance serves at a host and port; {@code hostAddress}: the address to dial where no DNS
     * serves the host (the local data plane's endpoint), or null.
     */
    record Serve(String serviceHost, int port, boolean tlsRequired, String hostAddress) implements MarketplaceCommand {
    }

    /** The local data plane set the super admin's password: sealed for marketplace-service's key. */
    record AdminIssued(String username, byte[] sealedPassword, String sealKeyId) implements MarketplaceCommand {
    }

    /** The data plane tried to log in with pending created credentials: whether the server accepted them. */
    record ConcludeVerification(String requestId, String credentialId, boolean verified, String reason)
            implements MarketplaceCommand {
    }

    /** Time's: the data plane did not answer a verification within {@code waited}. */
    record ExpireVerification(String requestId, java.time.Duration waited) implements MarketplaceCommand {
    }

    /** The instance is deleted. */
    record Forget() implements MarketplaceCommand {
    }

    /** A request from a caller. */
    sealed interface Request extends MarketplaceCommand {
        String requestId();

        String callerOrganization();

        Action action();
    }

    /** What a request asks, as its refusal names it ({@code MarketplaceRequestRejected.action}). */
    enum Action {
        IMPORT_CREDENTIAL, DELETE_CREDENTIAL, ADD_LISTING, REMOVE_LISTING, CREATE_CONNECTION, REMOVE_CONNECTION
    }

    /**
     * {@code verificationSecret}: for an instance the local data plane runs, the password sealed for
     * the data plane ({@code verificationKeyId}), which it logs in with; null otherwise.
     */
    record ImportCredential(String requestId, String callerOrganization, String credentialId, CredentialKind kind,
            String displayName, String environment, String username, byte[] encryptedSecret,
            byte[] verificationSecret, String verificationKeyId) implements Request {

        /** An import that the data plane is not asked to check. */
        public ImportCredential(String requestId, String callerOrganization, String credentialId, CredentialKind kind,
                String displayName, String environment, String username, byte[] encryptedSecret) {
            this(requestId, callerOrganization, credentialId, kind, displayName, environment, username,
                    encryptedSecret, null, null);
        }

        @Override
        public Action action() {
            return Action.IMPORT_CREDENTIAL;
        }
    }

    record DeleteCredential(String requestId, String callerOrganization, String credentialId) implements Request {
        @Override
        public Action action() {
            return Action.DELETE_CREDENTIAL;
        }
    }

    record AddListing(String requestId, String callerOrganization) implements Request {
        @Override
        public Action action() {
            return Action.ADD_LISTING;
        }
    }

    record RemoveListing(String requestId, String callerOrganization) implements Request {
        @Override
        public Action action() {
            return Action.REMOVE_LISTING;
        }
    }

    /** {@code encryptedSecret}: the connection's own sealed copy of its credential's password, if any. */
    record Connect(String requestId, String callerOrganization, String connectionId, String componentId,
            String environment, String credentialId, String database, byte[] encryptedSecret) implements Request {
        @Override
        public Action action() {
            return Action.CREATE_CONNECTION;
        }
    }

    record Disconnect(String requestId, String callerOrganization, String connectionId) implements Request {
        @Override
        public Action action() {
            return Action.REMOVE_CONNECTION;
        }
    }

    /** The two kinds of credential DOMAIN.md names. */
    enum CredentialKind {
        /** Display name, username, password, environment. */
        CREATED,
        /** Display name and environment; the platform's administrator account. */
        SUPER_ADMIN
    }
}
