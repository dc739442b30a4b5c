package io.datastores.failover.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.datastores.failover.domain.FailoverEvent.Ignored;
import io.datastores.failover.domain.InstanceHealth.Node;

/**
 * Forgetting. Telemetry for an instance failover was never told of is kept for a grace period (a
 * rebuild may read a node's heartbeats before the instance's acceptance); after it, each node's
 * signals are dropped with the reason, and nothing of the instance is kept (hostile or mistaken
 * telemetry cannot grow the state, nor ever start a failover). Lost nodes leave the live nodes once
 * their replacement is up or none is coming ({@link InstanceHealth#forget(String)}): that is
 * evolution's, in {@link InstanceHealthEvolution}.
 */
final class Forgetting {

    private final FailoverPolicy policy;

    Forgetting(FailoverPolicy policy) {
        this.policy = policy;
    }

    /** When the telemetry of an instance never accepted is dropped, unless accepted before. */
    Instant unknownUntil(InstanceHealth s) {
        return firstSignal(s).plus(policy.unknownInstanceGrace());
    }

    /** Each node's signals are dropped with the reason, and the instance is forgotten. */
    List<FailoverEvent> forgetUnknown(InstanceHealth s) {
        List<FailoverEvent> events = new ArrayList<>();
        for (Node n : everyNode(s)) {
            events.add(new Ignored(n.nodeId(), "NodeHeartbeat", n.epoch(), 0, "instance is unknown"
                    + " to failover-service: no acceptance within "
                    + policy.unknownInstanceGrace().toMinutes() + " min of its first signal ("
                    + firstSignal(s) + "); its telemetry is dropped"));
        }
        events.add(new FailoverEvent.Forgotten());
        return events;
    }

    private static Instant firstSignal(InstanceHealth s) {
        return everyNode(s).stream().map(Node::watchSince).filter(Objects::nonNull)
                .min(Instant::compareTo)
                .orElse(Instant.EPOCH);
    }

    /** The live nodes, then the forgotten lost ones. */
    private static List<Node> everyNode(InstanceHealth s) {
        List<Node> all = new ArrayList<>(s.nodes());
        all.addAll(s.forgottenLost());
        return all;
    }
}
