package io.datastores.dataplane.domain;

/** What the data plane tells the control plane, before it is put into the contract's events. */
public sealed interface Report {

    String instanceId();

    /** A node runs; the instance's endpoint is at 127.0.0.1:{@code endpointPort}. */
    record NodeUp(String instanceId, String nodeId, String address, String zone, int endpointPort) implements Report {
    }

    /** A node could not be made. */
    record ProvisioningFailed(String instanceId, String nodeId, int attempt, String reason, boolean retryable)
            implements Report {
    }

    /** A command was refused or failed on a server. */
    record CommandFailed(String instanceId, String nodeId, String command, long epoch, long currentEpoch,
            Failure failure, String reason, String correlatesWith) implements Report {
    }

    /** Whether the server accepted imported credentials, and if not its reason. */
    record CredentialChecked(String instanceId, String requestId, String credentialId, boolean verified,
            String reason) implements Report {
    }

    /** A backup was asked for and not taken. */
    record BackupFailed(String instanceId, String backupId, String reason) implements Report {
    }

    /** A node's server, in its own words: a crash is MINOR (restart in place). */
    record Diagnosis(String instanceId, String nodeId, Severity severity, String detail) implements Report {
    }

    /** Why a command did not happen. */
    enum Failure {
        /** It carried an older fencing epoch than the data plane has seen for the instance. */
        STALE_EPOCH,
        /** The server or a tool failed; the reason is theirs. */
        SERVER_ERROR,
        /** The local data plane does not do this (yet). */
        UNSUPPORTED
    }

    /** How bad a diagnosis is. */
    enum Severity {
        OK, MINOR, SEVERE
    }
}
