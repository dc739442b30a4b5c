package io.datastores.failover.domain;

import java.time.Instant;
import java.util.List;


/**
 * The guard of one region: how many nodes it watches, the suspicions waiting for their settle
 * window, and while paused the suspicions held for an operator. (The signals waiting for every
 * instance partition to pass their event time are held by the region stage, one record each, not in
 * this state: a region-wide outage queues thousands of them.)
 */
public record RegionState(int monitored, List<Suspicion> pending, Instant settleAt, boolean paused,
        Instant pausedAt, String pauseReason, List<Suspicion> held) {

    /** A silent node, since {@code at}, as signalled by event {@code signalId}. */
    public record Suspicion(String instanceId, String nodeId, Instant at, String signalId) {

        boolean is(String instance, String node) {
            return instanceId.equals(instance) && nodeId.equals(node);
        }
    }

    public static RegionState initial() {
        return new RegionState(0, List.of(), null, false, null, null, List.of());
    }

    boolean knows(String instanceId, String nodeId) {
        return pending.stream().anyMatch(x -> x.is(instanceId, nodeId)) || held.stream().anyMatch(x -> x.is(instanceId, nodeId));
    }
}
