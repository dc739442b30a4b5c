package io.datastores.failover.api;

import java.time.Instant;
import java.util.List;

import io.datastores.failover.domain.InstanceHealth;
import io.datastores.failover.domain.InstanceHealth.Node;
import io.datastores.failover.domain.Role;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One node as {@code GET /instances/{id}/nodes} answers it: flat, its fields named and ordered as
 * before the state grouped them ({@link Node}'s placement, heard and stability), under the same
 * schema name.
 */
@Serdeable
@Schema(name = "InstanceHealth.Node", description = "One node. `watchSince` is when its silence"
        + " started to count (its last heartbeat, or when it was planned, came up or had a suspicion"
        + " dismissed); `healthySince` is when it was last heard again after a suspicion"
        + " (hysteresis); `replacesNodeId` names the node a replacement was asked for in place of"
        + " (null for the nodes provisioning planned).")
public record NodeView(String nodeId, Role role, String zone, String ip,
        InstanceHealth.Status status, Instant lastHeartbeatAt, Instant watchSince,
        Instant healthySince, long position, long epoch, List<Instant> minorFailures,
        String replacesNodeId) {

    /** The view of {@code n}. */
    static NodeView of(Node n) {
        return new NodeView(n.nodeId(), n.role(), n.zone(), n.ip(), n.status(), n.lastHeartbeatAt(),
                n.watchSince(), n.healthySince(), n.position(), n.epoch(), n.minorFailures(),
                n.replacesNodeId());
    }
}
