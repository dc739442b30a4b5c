package io.datastores.failover.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.datastores.failover.domain.FailoverCommand.RestoreDone;
import io.datastores.failover.domain.FailoverEvent.Blocked;
import io.datastores.failover.domain.FailoverEvent.EndpointMoved;
import io.datastores.failover.domain.FailoverEvent.Ignored;
import io.datastores.failover.domain.FailoverEvent.ReplacementRequested;
import io.datastores.failover.domain.FailoverEvent.RestoreRequested;
import io.datastores.failover.domain.InstanceHealth.Failover;
import io.datastores.failover.domain.InstanceHealth.Node;

/**
 * Restore from backup: a single node's loss (or a loss no standby can take over) brings up a new
 * node from the newest backup and the archived logs, at a new epoch. When it is restored, the
 * endpoint moves to it and the failover completes with its unavailability and its data-loss window
 * (the failure time minus the last archived point).
 */
final class Restore {

    private Restore() {
    }

    /** A new node restores from the newest backup and archived logs; the epoch rises. */
    static List<FailoverEvent> restore(InstanceHealth s, Failover f, Instant at, String why) {
        long epoch = s.epoch() + 1;
        Node failed = s.node(f.failedNodeId()).orElseThrow();
        ReplacementRequested r = Failovers.replacement(s, f.failoverId(), failed, Role.PRIMARY,
                epoch);
        InstanceHealth.RestorePoint p = s.restorePoint();
        List<FailoverEvent> events = new ArrayList<>();
        if (!why.isEmpty()) {
            events.add(new Blocked(f.failoverId(), why, at));
        }
        events.add(r);
        events.add(new RestoreRequested(f.failoverId(), r.nodeId(),
                p == null ? null : p.latestBackupId(), p == null ? null : p.lastArchivedPosition(),
                p == null ? null : p.lastArchivedAt(), epoch));
        return events;
    }

    /** The data plane restored the node: the endpoint moves to it, and the failover completes. */
    static List<FailoverEvent> restoreDone(RestoreDone r, InstanceHealth s, Instant at) {
        Failover f = s.active();
        if (f == null || f.state() != FailoverState.RESTORING
                || !r.nodeId().equals(f.replacementNodeId())) {
            return List.of(new Ignored(r.nodeId(), "RestoreCompleted", 0, s.epoch(),
                    "no restore onto node " + r.nodeId() + " is in progress"));
        }
        Instant restoredAt = r.restoredAt() != null ? r.restoredAt() : at;
        Long window = f.restorePointAt() == null ? null
                : Math.max(0, Duration.between(f.restorePointAt(), f.failedAt()).toMillis());
        String note = f.restorePointAt() == null
                ? "no backup existed to restore from: the instance restarted empty"
                : "writes after " + f.restorePointAt() + " (the last archived point) up to the"
                        + " failure at " + f.failedAt() + " are lost";
        Node node = s.node(r.nodeId()).orElse(null);
        List<FailoverEvent> events = new ArrayList<>();
        events.add(new EndpointMoved(f.failoverId(), s.serviceHost(), f.failedIp(),
                node == null ? null : node.ip()));
        events.add(Failovers.complete(s, f, restoredAt, r.nodeId(), window, note));
        return events;
    }
}
