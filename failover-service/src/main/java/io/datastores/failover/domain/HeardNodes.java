package io.datastores.failover.domain;

import java.time.Instant;
import java.util.List;

/**
 * What a heartbeat changes of an instance: for each of its nodes (live, then forgotten lost ones,
 * in {@link InstanceHealth}'s order), when it was last heard, since when its silence counts and the
 * position it reported. The hot part of {@link InstanceHealth} ({@link HeartbeatSplit}), stored
 * apart so that a heartbeat rewrites tens of bytes, not the instance.
 */
public record HeardNodes(List<Heard> nodes) {

    public HeardNodes {
        nodes = List.copyOf(nodes);
    }

    /** One node's last-heard time, the start of its silence and its position. */
    public record Heard(String nodeId, Instant lastHeartbeatAt, Instant watchSince, long position) {
    }
}
