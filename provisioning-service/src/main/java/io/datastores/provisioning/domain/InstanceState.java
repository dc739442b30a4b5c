package io.datastores.provisioning.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What provisioning knows of one instance. {@code requestIds} are the requests already decided,
 * so that a retried request has its effect once; {@code nextNode} numbers new nodes so that a node
 * id is never reused.
 */
public record InstanceState(Status status, InstanceEvent.Accepted instance, String plan, List<String> allowlist,
        List<InstanceEvent.Node> nodes, int nodeCount, int nextNode, long epoch, Instant trialEndsAt,
        List<String> requestIds, List<String> replacements, List<InstanceEvent.Node> earlyNodes,
        List<EarlyFailover> earlyFailovers) {

    /** A replacement or promotion failover reported before this instance's request was read. */
    public record EarlyFailover(String kind, String replacesNodeId, String nodeId, NodeRole role, String zone,
            long epoch) {
    }

    /** Nodes the data plane reported before provisioning asked for them (read out of order), kept up to this many. */
    static final int EARLY_NODES = 16;

    public InstanceState {
        replacements = replacements == null ? List.of() : List.copyOf(replacements);
        earlyNodes = earlyNodes == null ? List.of() : List.copyOf(earlyNodes);
        earlyFailovers = earlyFailovers == null ? List.of() : List.copyOf(earlyFailovers);
    }

    InstanceState withEarlyFailovers(List<EarlyFailover> early) {
        return new InstanceState(status, instance, plan, allowlist, nodes, nodeCount, nextNode, epoch, trialEndsAt,
                requestIds, replacements, earlyNodes, early.subList(Math.max(0, early.size() - EARLY_NODES),
                        early.size()));
    }

    /** Without the early report of {@code nodeId}, once it is applied. */
    InstanceState withoutEarlyNode(String nodeId) {
        return withEarlyNodes(earlyNodes.stream().filter(e -> !e.nodeId().equals(nodeId)).toList());
    }

    InstanceState withEarlyNodes(List<InstanceEvent.Node> early) {
        return new InstanceState(status, instance, plan, allowlist, nodes, nodeCount, nextNode, epoch, trialEndsAt,
                requestIds, replacements, early.subList(Math.max(0, early.size() - EARLY_NODES), early.size()),
                earlyFailovers);
    }

    /** {@code n} with its host and address if the data plane reported it early. */
    InstanceEvent.Node withEarlyAddress(InstanceEvent.Node n) {
        return earlyNodes.stream().filter(e -> e.nodeId().equals(n.nodeId())).findFirst()
                .map(e -> new InstanceEvent.Node(n.nodeId(), n.role(), e.zone(), e.host(), e.ip())).orElse(n);
    }

    /**
     * NEW: never accepted. PROVISIONING: nodes coming up. READY: serving. CHANGING: serving while a
     * plan change brings up nodes. SUSPENDED: trial over. DELETED: gone.
     */
    public enum Status {
        NEW, PROVISIONING, READY, CHANGING, SUSPENDED, DELETED
    }

    public static InstanceState initial() {
        return new InstanceState(Status.NEW, null, null, List.of(), List.of(), 0, 1, 1, null, List.of(), List.of(), List.of(),
                List.of());
    }

    public boolean handled(String requestId) {
        return requestIds.contains(requestId);
    }

    /** All planned nodes are running. */
    public boolean allNodesUp() {
        return nodes.size() >= nodeCount && nodes.stream().allMatch(n -> n.ip() != null);
    }

    InstanceState withRequest(String requestId) {
        if (requestId == null || requestIds.contains(requestId)) {
            return this;
        }
        List<String> ids = new ArrayList<>(requestIds);
        ids.add(requestId);
        return new InstanceState(status, instance, plan, allowlist, nodes, nodeCount, nextNode, epoch, trialEndsAt,
                List.copyOf(ids), replacements, earlyNodes, earlyFailovers);
    }

    InstanceState with(Status s) {
        return new InstanceState(s, instance, plan, allowlist, nodes, nodeCount, nextNode, epoch, trialEndsAt,
                requestIds, replacements, earlyNodes, earlyFailovers);
    }

    InstanceState withNodes(List<InstanceEvent.Node> n, int next) {
        return new InstanceState(status, instance, plan, allowlist, List.copyOf(n), nodeCount, next, epoch,
                trialEndsAt, requestIds, replacements, earlyNodes, earlyFailovers);
    }

    InstanceState withPlan(String p, int count) {
        return new InstanceState(status, instance, p, allowlist, nodes, count, nextNode, epoch, trialEndsAt,
                requestIds, replacements, earlyNodes, earlyFailovers);
    }

    InstanceState withAllowlist(List<String> a) {
        return new InstanceState(status, instance, plan, List.copyOf(a), nodes, nodeCount, nextNode, epoch,
                trialEndsAt, requestIds, replacements, earlyNodes, earlyFailovers);
    }

    InstanceState withTrialEndsAt(Instant t) {
        return new InstanceState(status, instance, plan, allowlist, nodes, nodeCount, nextNode, epoch, t, requestIds, replacements, earlyNodes, earlyFailovers);
    }

    InstanceState withEpoch(long e) {
        return new InstanceState(status, instance, plan, allowlist, nodes, nodeCount, nextNode, e, trialEndsAt,
                requestIds, replacements, earlyNodes, earlyFailovers);
    }

    /** Nodes failover asked for in place of lost ones. */
    InstanceState withReplacements(List<String> r) {
        return new InstanceState(status, instance, plan, allowlist, nodes, nodeCount, nextNode, epoch, trialEndsAt,
                requestIds, r, earlyNodes, earlyFailovers);
    }
}
