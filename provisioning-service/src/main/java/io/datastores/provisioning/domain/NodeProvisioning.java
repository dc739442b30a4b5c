package io.datastores.provisioning.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.datastores.provisioning.domain.InstanceCommand.RecordNodeProvisioned;
import io.datastores.provisioning.domain.InstanceCommand.RecordProvisioningFailure;
import io.datastores.provisioning.domain.InstanceEvent.Accepted;
import io.datastores.provisioning.domain.InstanceEvent.Node;
import io.datastores.provisioning.domain.InstanceEvent.NodeRecorded;
import io.datastores.provisioning.domain.InstanceEvent.NodeRequested;
import io.datastores.provisioning.domain.InstanceState.NodeFailure;
import io.datastores.provisioning.domain.InstanceState.Status;

/**
 * An instance's nodes, asked for and reported by the data plane. A node is asked for in its zone
 * (the region's zones in turn). One reported up is recorded, and the instance is ready once every
 * node runs; one reported before it was asked for is held until it is. One the data plane could
 * not start is asked for again (same node, next attempt, current epoch) while its failure is
 * retryable and attempts are left, up to {@value InstanceDecider#MAX_ATTEMPTS}; otherwise a
 * provisioning or changing instance fails with the data plane's reason, and a serving one stays
 * as it is, the failure kept in its state.
 */
final class NodeProvisioning {

    private final InstanceDecider decider;
    private final Readiness readiness;

    /** {@code decider} folds the events decided so far, to see the state they leave. */
    NodeProvisioning(InstanceDecider decider, Readiness readiness) {
        this.decider = decider;
        this.readiness = readiness;
    }

    /** The {@code number}th node of instance {@code a}, in the zone whose turn it is. */
    static NodeRequested request(Accepted a, String plan, Catalog.Region region, int number,
            boolean primary, long epoch) {
        String zone = region.zones().get((number - 1) % region.zones().size());
        return new NodeRequested(a.instanceId(), a.instanceId() + "-n" + number,
                primary ? NodeRole.PRIMARY : NodeRole.STANDBY, zone, a.engine(), a.cloud(),
                a.region(), plan, epoch, 1);
    }

    /** A node runs: recorded, held when it was not asked for yet, or nothing when known to run. */
    List<InstanceEvent> provisioned(RecordNodeProvisioned n, InstanceState state) {
        Optional<Node> planned = state.topology().node(n.nodeId());
        boolean running = planned.isPresent() && planned.get().ip() != null;
        if (state.status() == Status.DELETED || running) {
            return List.of(); // a late or repeated report changes nothing
        }
        if (state.status() == Status.NEW || planned.isEmpty()) {
            // Reported before the request that asks for it was read (a rebuild interleaves
            // topics): kept, and the node is up as soon as it is asked for. A node never asked
            // for stays here, bounded.
            return state.early().hasNode(n.nodeId()) ? List.of()
                    : List.of(new InstanceEvent.NodeReportedEarly(n.instanceId(), n.nodeId(),
                            n.host(), n.ip(), n.zone(), n.endpointAddress(), n.endpointPort()));
        }
        List<InstanceEvent> events = new ArrayList<>();
        events.add(new NodeRecorded(n.instanceId(), n.nodeId(), n.host(), n.ip(), n.zone(),
                n.endpointAddress(), n.endpointPort()));
        InstanceState after = decider.fold(state, events);
        boolean replaced = state.status() == Status.READY
                && state.topology().replacements().contains(n.nodeId());
        if ((state.status().comingUp() || replaced) && after.allNodesUp()) {
            // after a failover's replacement too: ready again, with the nodes as they are
            events.add(readiness.ready(after));
        }
        return events;
    }

    /**
     * A node the data plane could not start: asked again, or given up on. A failure of an earlier
     * attempt, of a node that runs or is gone, changes nothing; one reported before the instance's
     * request was read is held until it is.
     */
    List<InstanceEvent> failed(RecordProvisioningFailure f, InstanceState state) {
        if (state.status() == Status.NEW) {
            boolean known = state.early().failures().stream()
                    .anyMatch(e -> e.nodeId().equals(f.nodeId()) && e.attempt() >= f.attempt());
            return known ? List.of()
                    : List.of(new InstanceEvent.FailureReportedEarly(f.instanceId(),
                            new NodeFailure(f.nodeId(), f.attempt(), f.reason(), f.retryable(),
                                    false)));
        }
        Optional<Node> node = state.topology().node(f.nodeId());
        if (state.status() == Status.DELETED || node.isEmpty() || node.get().ip() != null
                || f.attempt() < state.retries().attempt(f.nodeId())
                || state.retries().seen(f.nodeId(), f.attempt())) {
            return List.of();
        }
        boolean giveUp = !f.retryable() || f.attempt() >= InstanceDecider.MAX_ATTEMPTS;
        List<InstanceEvent> events = new ArrayList<>();
        events.add(new InstanceEvent.NodeFailureRecorded(f.instanceId(),
                new NodeFailure(f.nodeId(), f.attempt(), f.reason(), f.retryable(), giveUp)));
        Accepted a = state.instance();
        Node n = node.get();
        if (!giveUp) {
            events.add(new NodeRequested(a.instanceId(), n.nodeId(), n.role(), n.zone(),
                    a.engine(), a.cloud(), a.region(), state.terms().plan(),
                    state.topology().epoch(), f.attempt() + 1));
        } else if (state.status().comingUp()) {
            String attempts = f.retryable()
                    ? "attempt " + f.attempt() + " of " + InstanceDecider.MAX_ATTEMPTS
                    : "attempt " + f.attempt() + ", not retryable";
            events.add(new InstanceEvent.Failed(a.organizationId(), a.instanceId(), n.nodeId(),
                    "node " + n.nodeId() + " could not be started (" + attempts + "): "
                            + f.reason()));
        }
        return events;
    }

    /** Appends what the failures the data plane reported before the request ask of its nodes. */
    void applyEarlyFailures(List<InstanceEvent> events, InstanceState state) {
        InstanceState after = decider.fold(state, events);
        for (NodeFailure f : state.early().failures()) {
            List<InstanceEvent> decided = failed(new RecordProvisioningFailure(
                    after.instance().instanceId(), f.nodeId(), f.attempt(), f.reason(),
                    f.retryable()), after);
            events.addAll(decided);
            after = decider.fold(after, decided);
        }
    }
}
