package io.datastores.marketplace.domain;

/**
 * What marketplace-service hears about one instance, keyed by instance id: provisioning's facts and
 * callers' requests. {@code callerOrganization} is null for an operator (every organization).
 */
public sealed interface MarketplaceCommand {

    /** Provisioning accepted the instance. */
    record Know(String organizationId, String displayName, String engine, String plan, String cloud, String region)
            implements MarketplaceCommand {
    }

    /** The instance serves at a host and port. */
    record Serve(String serviceHost, int port, boolean tlsRequired) implements MarketplaceCommand {
    }

    /** The instance is deleted. */
    record Forget() implements MarketplaceCommand {
    }

    /** A request from a caller. */
    sealed interface Request extends MarketplaceCommand {
        String requestId();

        String callerOrganization();

        String action();
    }

    record ImportCredential(String requestId, String callerOrganization, String credentialId, CredentialKind kind,
            String displayName, String environment, String username, byte[] encryptedSecret) implements Request {
        @Override
        public String action() {
            return "IMPORT_CREDENTIAL";
        }
    }

    record DeleteCredential(String requestId, String callerOrganization, String credentialId) implements Request {
        @Override
        public String action() {
            return "DELETE_CREDENTIAL";
        }
    }

    record AddListing(String requestId, String callerOrganization) implements Request {
        @Override
        public String action() {
            return "ADD_LISTING";
        }
    }

    record RemoveListing(String requestId, String callerOrganization) implements Request {
        @Override
        public String action() {
            return "REMOVE_LISTING";
        }
    }

    /** {@code encryptedSecret}: the connection's own sealed copy of its credential's password, if any. */
    record Connect(String requestId, String callerOrganization, String connectionId, String componentId,
            String environment, String credentialId, String database, byte[] encryptedSecret) implements Request {
        @Override
        public String action() {
            return "CREATE_CONNECTION";
        }
    }

    record Disconnect(String requestId, String callerOrganization, String connectionId) implements Request {
        @Override
        public String action() {
            return "REMOVE_CONNECTION";
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
