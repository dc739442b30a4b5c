package io.datastores.failover.domain;

import java.time.Instant;
import java.util.List;

/**
 * The guard of one region: how many nodes it watches, the suspicions waiting for their settle
 * window, and while paused, the suspicions held for an operator.
 */
public record RegionState(int monitored, List<Suspicion> pending, Instant settleAt, boolean paused,
        Instant pausedAt, String pauseReason, List<Suspicion> held) {

    public record Suspicion(String instanceId, String nodeId) {
    }

    public static RegionState initial() {
        return new RegionState(0, List.of(), null, false, null, null, List.of());
    }

    boolean knows(String instanceId, String nodeId) {
        Suspicion s = new Suspicion(instanceId, nodeId);
        return pending.contains(s) || held.contains(s);
    }
}
