package io.datastores.failover.domain;

import java.time.Instant;
import java.util.List;

import io.datastores.failover.domain.RegionCommand.Count;
import io.datastores.failover.domain.RegionCommand.Decide;
import io.datastores.failover.domain.RegionCommand.Recover;
import io.datastores.failover.domain.RegionCommand.Signal;
import io.datastores.failover.domain.RegionCommand.Suspect;

/**
 * The guard of one region: how many nodes it watches, the suspicions waiting for their settle
 * window, while paused the suspicions held for an operator, and the signals waiting for every
 * instance partition to pass their event time.
 */
public record RegionState(int monitored, List<Suspicion> pending, Instant settleAt, boolean paused,
        Instant pausedAt, String pauseReason, List<Suspicion> held, List<Waiting> waiting) {

    /** A silent node, since {@code at}, as signalled by event {@code signalId}. */
    public record Suspicion(String instanceId, String nodeId, Instant at, String signalId) {

        boolean is(String instance, String node) {
            return instanceId.equals(instance) && nodeId.equals(node);
        }
    }

    /** A signal not yet decided, in a form that stores as plain JSON. */
    public record Waiting(String type, Instant at, String id, String instanceId, String nodeId, int delta,
            String action, String operator, String note) {

        static Waiting of(Signal s) {
            if (s instanceof Count c) {
                return new Waiting("COUNT", c.at(), c.id(), null, null, c.delta(), null, null, null);
            }
            if (s instanceof Suspect x) {
                return new Waiting("SUSPECT", x.at(), x.id(), x.instanceId(), x.nodeId(), 0, null, null, null);
            }
            if (s instanceof Recover r) {
                return new Waiting("RECOVER", r.at(), r.id(), r.instanceId(), r.nodeId(), 0, null, null, null);
            }
            Decide d = (Decide) s;
            return new Waiting("DECIDE", d.at(), d.id(), null, null, 0, d.action(), d.operator(), d.note());
        }

        Signal signal() {
            switch (type) {
                case "COUNT":
                    return new Count(delta, at, id);
                case "SUSPECT":
                    return new Suspect(instanceId, nodeId, at, id);
                case "RECOVER":
                    return new Recover(instanceId, nodeId, at, id);
                default:
                    return new Decide(action, operator, note, at, id);
            }
        }
    }

    public static RegionState initial() {
        return new RegionState(0, List.of(), null, false, null, null, List.of(), List.of());
    }

    boolean knows(String instanceId, String nodeId) {
        return pending.stream().anyMatch(x -> x.is(instanceId, nodeId)) || held.stream().anyMatch(x -> x.is(instanceId, nodeId));
    }
}
