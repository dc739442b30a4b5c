package io.datastores.failover.api;

import java.time.Instant;
import java.util.List;

import io.datastores.failover.domain.DetectionSource;
import io.datastores.failover.domain.FailoverKind;
import io.datastores.failover.domain.FailoverState;
import io.datastores.failover.domain.InstanceHealth;
import io.datastores.failover.domain.InstanceHealth.Failover;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One failover as {@code GET /instances/{id}/failovers} answers it: flat, its fields named and
 * ordered as before the state grouped them ({@link Failover}'s failure, promotion and outcome),
 * under the same schema name.
 */
@Serdeable
@Schema(name = "InstanceHealth.Failover", description = "One failover, in progress or done."
        + " `kind`: PROMOTION, RESTORE or SWITCHOVER (planned; `failedNodeId` is then the old"
        + " primary, `failedAt` when it started and `waitUntil` when it times out). `state`:"
        + " STARTED, SWITCHING (a switchover the data plane prepares), BLOCKED, PROMOTED,"
        + " RESTORING, COMPLETED, ABORTED (a switchover that did not happen) or SUPERSEDED (the"
        + " node it promoted was lost too; the next failover took over).")
public record FailoverView(String failoverId, FailoverKind kind, FailoverState state,
        String failedNodeId, String failedZone, String failedIp, String reason,
        DetectionSource detectedBy, Instant failedAt, Instant detectedAt, long primaryPosition,
        Instant waitUntil, String promotedNodeId, Instant promotedAt, String replacementNodeId,
        Instant restorePointAt, long fromEpoch, long toEpoch, long dataLossBytes,
        Long dataLossWindowMillis, Instant completedAt, Long detectionMillis,
        Long promotionMillis, Long unavailableMillis, String note,
        List<InstanceHealth.Phase> phases, InstanceHealth.Switchover switchover,
        InstanceHealth.MeasuredLoss measuredLoss) {

    /** The view of {@code f}; null for none. */
    static FailoverView of(Failover f) {
        if (f == null) {
            return null;
        }
        Failover.Failure x = f.failure();
        Failover.Promotion p = f.promotion();
        Failover.Outcome o = f.outcome();
        return new FailoverView(f.failoverId(), f.kind(), f.state(), x.failedNodeId(),
                x.failedZone(), x.failedIp(), x.reason(), x.detectedBy(), x.failedAt(),
                x.detectedAt(), x.primaryPosition(), f.waitUntil(), p.promotedNodeId(),
                p.promotedAt(), p.replacementNodeId(), p.restorePointAt(), p.fromEpoch(),
                p.toEpoch(), o.dataLossBytes(), o.dataLossWindowMillis(), o.completedAt(),
                o.detectionMillis(), o.promotionMillis(), o.unavailableMillis(), o.note(),
                f.phases(), f.switchover(), f.measuredLoss());
    }
}
