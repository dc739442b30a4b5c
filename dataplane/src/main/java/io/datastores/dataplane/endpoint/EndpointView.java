package io.datastores.dataplane.endpoint;

import java.util.List;

/**
 * An endpoint as {@code GET /endpoints} shows it: its settings, whether it listens (and if not,
 * why), whether new connections are held for a switchover, its open sessions, the connections held
 * and how many clients the allow-list refused since the endpoint server started.
 */
public record EndpointView(
        String instanceId,
        int port,
        Target target,
        List<String> allowlist,
        boolean listening,
        boolean paused,
        int openSessions,
        int heldConnections,
        long refused,
        String problem) {
}
