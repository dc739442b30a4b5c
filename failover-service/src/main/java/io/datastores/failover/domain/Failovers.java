package io.datastores.failover.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.datastores.failover.domain.FailoverEvent.Completed;
import io.datastores.failover.domain.FailoverEvent.ReplacementRequested;
import io.datastores.failover.domain.InstanceHealth.Failover;
import io.datastores.failover.domain.InstanceHealth.Node;

/**
 * What every failover shares, whichever rule drives it: the replacement asked for a node, the
 * completion with its timings, and finding the failover that lost a node.
 */
final class Failovers {

    private Failovers() {
    }

    /** A new node in place of {@code lost}, numbered by the replacements asked for so far. */
    static ReplacementRequested replacement(InstanceHealth s, String failoverId, Node lost,
            Role role, long epoch) {
        String id = s.instanceId() + "-r" + (s.replacements() + 1);
        return new ReplacementRequested(failoverId, lost.nodeId(), id, role, lost.zone(),
                s.region(), epoch);
    }

    /** The failover is over: {@code primary} serves at the instance's epoch since {@code at}. */
    static Completed complete(InstanceHealth s, Failover f, Instant at, String primary,
            Long lossWindow, String note) {
        long detection = Math.max(0, Duration.between(f.failedAt(), f.detectedAt()).toMillis());
        long promotion = Math.max(0, Duration.between(f.detectedAt(), at).toMillis());
        long unavailable = Math.max(0, Duration.between(f.failedAt(), at).toMillis());
        return new Completed(f.failoverId(), f.kind(), primary, s.epoch(), f.failedAt(),
                f.detectedAt(), at, detection, promotion, unavailable, f.dataLossBytes(),
                lossWindow, note);
    }

    /** The newest failover, in progress or done, that lost (or left) the node {@code nodeId}. */
    static Optional<Failover> lastFailoverOf(InstanceHealth s, String nodeId) {
        if (s.active() != null && nodeId.equals(s.active().failedNodeId())) {
            return Optional.of(s.active());
        }
        return s.history().stream().filter(f -> nodeId.equals(f.failedNodeId())).findFirst();
    }
}
