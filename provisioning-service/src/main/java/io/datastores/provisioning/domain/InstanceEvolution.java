package io.datastores.provisioning.domain;

import io.datastores.provisioning.domain.InstanceEvent.Accepted;
import io.datastores.provisioning.domain.InstanceEvent.AllowlistChanged;
import io.datastores.provisioning.domain.InstanceEvent.Deleted;
import io.datastores.provisioning.domain.InstanceEvent.EarlyFailoversApplied;
import io.datastores.provisioning.domain.InstanceEvent.Failed;
import io.datastores.provisioning.domain.InstanceEvent.FailoverReportedEarly;
import io.datastores.provisioning.domain.InstanceEvent.FailureReportedEarly;
import io.datastores.provisioning.domain.InstanceEvent.Node;
import io.datastores.provisioning.domain.InstanceEvent.NodeDecommissioned;
import io.datastores.provisioning.domain.InstanceEvent.NodeFailureRecorded;
import io.datastores.provisioning.domain.InstanceEvent.NodeRecorded;
import io.datastores.provisioning.domain.InstanceEvent.NodeRejoined;
import io.datastores.provisioning.domain.InstanceEvent.NodeReplaced;
import io.datastores.provisioning.domain.InstanceEvent.NodeReportedEarly;
import io.datastores.provisioning.domain.InstanceEvent.NodeRequested;
import io.datastores.provisioning.domain.InstanceEvent.PlanChanged;
import io.datastores.provisioning.domain.InstanceEvent.PrimaryChanged;
import io.datastores.provisioning.domain.InstanceEvent.Ready;
import io.datastores.provisioning.domain.InstanceEvent.Rejected;
import io.datastores.provisioning.domain.InstanceEvent.ReplacementDropped;
import io.datastores.provisioning.domain.InstanceEvent.Resumed;
import io.datastores.provisioning.domain.InstanceEvent.TrialExpired;
import io.datastores.provisioning.domain.InstanceEvent.TrialLifted;
import io.datastores.provisioning.domain.InstanceState.Status;
import io.datastores.provisioning.domain.InstanceState.Topology;

/**
 * How each event moves an instance's state ({@link InstanceDecider#evolve}): the one place its
 * state changes, live and on replay alike. A refused request changes nothing, so that it may be
 * retried once its cause is gone.
 */
final class InstanceEvolution {

    private InstanceEvolution() {
    }

    static InstanceState evolve(InstanceState state, InstanceEvent event) {
        Topology topology = state.topology();
        if (event instanceof Accepted a) {
            return state.accepted(a).withRequest(a.requestId());
        }
        if (event instanceof Rejected) {
            return state;
        }
        if (event instanceof NodeRequested n) {
            return requested(state, n);
        }
        if (event instanceof NodeRecorded n) {
            return state.with(topology
                    .changing(n.nodeId(), x -> new Node(x.nodeId(), x.role(), n.zone(), n.host(),
                            n.ip()))
                    .withEndpoint(n.endpointAddress(), n.endpointPort()))
                    .with(state.retries().without(n.nodeId()));
        }
        if (event instanceof NodeFailureRecorded f) {
            return state.with(state.retries().failed(f.failure()));
        }
        if (event instanceof FailureReportedEarly f) {
            return state.with(state.early().withFailure(f.failure()));
        }
        if (event instanceof Failed f) {
            return state.failed(f.reason());
        }
        if (event instanceof NodeRejoined j) {
            Node back = new Node(j.nodeId(), NodeRole.STANDBY, j.zone(), j.host(), j.ip());
            return state.with(topology.putting(back).atEpoch(j.epoch()));
        }
        if (event instanceof ReplacementDropped d) {
            return state.with(topology.without(d.nodeId()).withoutReplacement(d.nodeId()))
                    .with(state.retries().without(d.nodeId()));
        }
        if (event instanceof FailoverReportedEarly f) {
            return state.with(state.early().withFailover(f.failover()));
        }
        if (event instanceof EarlyFailoversApplied) {
            return state.with(state.early().withoutFailovers());
        }
        if (event instanceof NodeReportedEarly e) {
            Node early = new Node(e.nodeId(), null, e.zone(), e.host(), e.ip());
            return state.with(state.early().withNode(early))
                    .with(topology.withEndpoint(e.endpointAddress(), e.endpointPort()));
        }
        if (event instanceof NodeReplaced r) {
            return replaced(state, r);
        }
        if (event instanceof PrimaryChanged p) {
            return state.with(topology.promoting(p.nodeId()).atEpoch(p.epoch()));
        }
        if (event instanceof NodeDecommissioned d) {
            return state.with(topology.without(d.nodeId()))
                    .with(state.retries().without(d.nodeId()));
        }
        if (event instanceof Ready || event instanceof Resumed) {
            return state.with(Status.READY);
        }
        if (event instanceof PlanChanged p) {
            boolean grows = p.nodeCount() > topology.nodes().size();
            return state.with(state.terms().withPlan(p.toPlan(), p.nodeCount()))
                    .with(grows ? Status.CHANGING : state.status()).withRequest(p.requestId());
        }
        if (event instanceof AllowlistChanged a) {
            return state.with(state.terms().withAllowlist(a.allowlist()))
                    .withRequest(a.requestId());
        }
        if (event instanceof Deleted d) {
            return state.with(Status.DELETED).withRequest(d.requestId());
        }
        if (event instanceof TrialExpired) {
            return state.with(Status.SUSPENDED);
        }
        if (event instanceof TrialLifted) {
            return state.with(state.terms().withTrialEndsAt(null));
        }
        throw new IllegalStateException("no evolution for " + event);
    }

    /** A node asked for: added (with what the data plane reported early of it), or asked again. */
    private static InstanceState requested(InstanceState state, NodeRequested n) {
        Topology topology = state.topology();
        InstanceState asked = state.with(state.retries().asked(n.nodeId(), n.attempt()));
        if (topology.has(n.nodeId())) {
            return asked; // asked again after a failure
        }
        Node node = state.early()
                .withAddress(new Node(n.nodeId(), n.role(), n.zone(), null, null));
        int next = Math.max(topology.nextNode(), nodeNumber(n.nodeId()) + 1);
        return asked.with(topology.adding(node).withNextNode(next))
                .with(state.early().withoutNode(n.nodeId()));
    }

    /** A lost node's replacement takes its place; the lost node is remembered, retired. */
    private static InstanceState replaced(InstanceState state, NodeReplaced r) {
        Topology topology = state.topology();
        Topology retired = topology.node(r.replacesNodeId()).map(topology::retiring)
                .orElse(topology);
        Node node = state.early()
                .withAddress(new Node(r.nodeId(), r.role(), r.zone(), null, null));
        return state.with(retired.without(r.replacesNodeId()).adding(node).atEpoch(r.epoch())
                .withReplacement(r.nodeId())).with(state.early().withoutNode(r.nodeId()));
    }

    /**
     * The number of a node provisioning named ({@code <instance>-n<number>}); 0 for failover's
     * replacements.
     */
    private static int nodeNumber(String nodeId) {
        int at = nodeId.lastIndexOf("-n");
        try {
            return at < 0 ? 0 : Integer.parseInt(nodeId.substring(at + 2));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
