package io.datastores.failover.domain;

import java.time.Instant;
import java.util.List;

/** The health of an instance's nodes as failover-service sees it. */
public record NodeHealthView(String instanceId, boolean deleted, List<NodeHealth> nodes) {

    /** One node: its role, last heartbeat (event time), position, epoch, last diagnosis. */
    public record NodeHealth(String nodeId, String role, String zone, Instant lastHeartbeatAt, long position,
            long epoch, String lastSeverity, String lastProblem) {
    }
}
