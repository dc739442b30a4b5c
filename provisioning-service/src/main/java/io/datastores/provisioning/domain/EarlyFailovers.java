package io.datastores.provisioning.domain;

import java.util.List;
import java.util.Optional;

import io.datastores.provisioning.domain.InstanceCommand.RecordCancellation;
import io.datastores.provisioning.domain.InstanceCommand.RecordPromotion;
import io.datastores.provisioning.domain.InstanceCommand.RecordRejoin;
import io.datastores.provisioning.domain.InstanceCommand.RecordReplacement;
import io.datastores.provisioning.domain.InstanceEvent.FailoverReportedEarly;
import io.datastores.provisioning.domain.InstanceState.EarlyFailover;
import io.datastores.provisioning.domain.InstanceState.EarlyFailover.Kind;

/**
 * Failovers read before the instance's request (a rebuild interleaves topics): held, in order, and
 * applied to the nodes just planned when the request is accepted, each as it would have been had
 * it come after: a replacement not already among the nodes, a promotion of a standby, a rejoin, a
 * cancellation.
 */
final class EarlyFailovers {

    private EarlyFailovers() {
    }

    static List<InstanceEvent> held(RecordReplacement r) {
        return held(r.instanceId(), new EarlyFailover(Kind.REPLACEMENT, r.replacesNodeId(),
                r.nodeId(), r.role(), r.zone(), r.epoch(), null));
    }

    static List<InstanceEvent> held(RecordPromotion p) {
        return held(p.instanceId(), new EarlyFailover(Kind.PROMOTION, null, p.nodeId(),
                NodeRole.PRIMARY, null, p.epoch(), null));
    }

    static List<InstanceEvent> held(RecordRejoin j) {
        return held(j.instanceId(), new EarlyFailover(Kind.REJOIN, null, j.nodeId(),
                NodeRole.STANDBY, j.zone(), j.epoch(), j.ip()));
    }

    static List<InstanceEvent> held(RecordCancellation c) {
        return held(c.instanceId(), new EarlyFailover(Kind.CANCEL, c.replacesNodeId(),
                c.nodeId(), null, null, c.epoch(), null));
    }

    private static List<InstanceEvent> held(String instanceId, EarlyFailover f) {
        return List.of(new FailoverReportedEarly(instanceId, f));
    }

    /**
     * Appends what the failovers held in {@code state} (before the request) do to the nodes that
     * {@code events} planned; {@code decider} folds the events to see the state they leave.
     */
    static void apply(List<InstanceEvent> events, InstanceState state, String instanceId,
            InstanceDecider decider) {
        if (state.early().failovers().isEmpty()) {
            return;
        }
        InstanceState after = decider.fold(state, events);
        for (EarlyFailover f : state.early().failovers()) {
            Optional<InstanceEvent> applied = applied(f, after, instanceId);
            if (applied.isPresent()) {
                events.add(applied.get());
                after = decider.fold(after, List.of(applied.get()));
            }
        }
        events.add(new InstanceEvent.EarlyFailoversApplied(instanceId));
    }

    /** What {@code f} does to the nodes of {@code current}, if anything. */
    private static Optional<InstanceEvent> applied(EarlyFailover f, InstanceState current,
            String instanceId) {
        return switch (f.kind()) {
            case REPLACEMENT -> current.topology().has(f.nodeId()) ? Optional.empty()
                    : Optional.of(new InstanceEvent.NodeReplaced(instanceId, f.replacesNodeId(),
                            f.nodeId(), f.role(), f.zone(), f.epoch()));
            case PROMOTION -> current.topology().hasStandby(f.nodeId())
                    ? Optional.of(new InstanceEvent.PrimaryChanged(instanceId, f.nodeId(),
                            f.epoch()))
                    : Optional.empty();
            case REJOIN -> Failovers.rejoin(new RecordRejoin(instanceId, f.nodeId(), f.epoch(),
                    f.ip(), f.zone()), current).stream().findFirst();
            case CANCEL -> Failovers.cancel(new RecordCancellation(instanceId, f.nodeId(),
                    f.replacesNodeId(), f.epoch()), current).stream().findFirst();
        };
    }
}
