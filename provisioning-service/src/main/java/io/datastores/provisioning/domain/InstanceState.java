package io.datastores.provisioning.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What provisioning knows of one instance. {@code requestIds} are the requests already decided,
 * so that a retried request has its effect once; {@code nextNode} numbers new nodes so that a node
 * id is never reused.
 *
 * @param endpoint the instance's stable endpoint, where the data plane runs one (null: none reported)
 * @param attempts per node asked for more than once, the attempt asked last
 * @param nodeFailures per node, the last failure the data plane reported while it is not running
 * @param failureReason why the instance is {@link Status#FAILED}
 * @param retiredNodes nodes failover replaced, kept (bounded) for the address they had if they rejoin
 * @param earlyFailures node failures reported before this instance's request was read
 */
public record InstanceState(Status status, InstanceEvent.Accepted instance, String plan, List<String> allowlist,
        List<InstanceEvent.Node> nodes, int nodeCount, int nextNode, long epoch, Instant trialEndsAt,
        List<String> requestIds, List<String> replacements, List<InstanceEvent.Node> earlyNodes,
        List<EarlyFailover> earlyFailovers, Endpoint endpoint, Map<String, Integer> attempts,
        List<NodeFailure> nodeFailures, String failureReason, List<InstanceEvent.Node> retiredNodes,
        List<NodeFailure> earlyFailures) {

    /**
     * A failover event reported before this instance's request was read: REPLACEMENT, PROMOTION,
     * REJOIN (with the node's {@code ip}) or CANCEL (of the replacement {@code nodeId}).
     */
    public record EarlyFailover(String kind, String replacesNodeId, String nodeId, NodeRole role, String zone,
            long epoch, String ip) {
    }

    /** The instance's stable endpoint: the address to dial (null: the service host) and its port. */
    public record Endpoint(String address, Integer port) {
    }

    /**
     * A node the data plane could not start: which attempt, why (the data plane's words), whether it
     * may be retried, and whether provisioning gave up on it.
     */
    public record NodeFailure(String nodeId, int attempt, String reason, boolean retryable, boolean gaveUp) {
    }

    /** Nodes the data plane reported before provisioning asked for them (read out of order), kept up to this many. */
    static final int EARLY_NODES = 16;

    public InstanceState {
        replacements = replacements == null ? List.of() : List.copyOf(replacements);
        earlyNodes = earlyNodes == null ? List.of() : List.copyOf(earlyNodes);
        earlyFailovers = earlyFailovers == null ? List.of() : List.copyOf(earlyFailovers);
        attempts = attempts == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(attempts));
        nodeFailures = nodeFailures == null ? List.of() : List.copyOf(nodeFailures);
        retiredNodes = retiredNodes == null ? List.of() : List.copyOf(retiredNodes);
        earlyFailures = earlyFailures == null ? List.of() : List.copyOf(earlyFailures);
    }

    /**
     * NEW: never accepted. PROVISIONING: nodes coming up. READY: serving. CHANGING: serving while a
     * plan change brings up nodes. SUSPENDED: trial over. FAILED: the data plane could not run its
     * nodes (it can only be deleted). DELETED: gone.
     */
    public enum Status {
        NEW, PROVISIONING, READY, CHANGING, SUSPENDED, FAILED, DELETED
    }

    public static InstanceState initial() {
        return new InstanceState(Status.NEW, null, null, List.of(), List.of(), 0, 1, 1, null, List.of(), List.of(),
                List.of(), List.of(), null, Map.of(), List.of(), null, List.of(), List.of());
    }

    public boolean handled(String requestId) {
        return requestIds.contains(requestId);
    }

    /** All planned nodes are running. */
    public boolean allNodesUp() {
        return nodes.size() >= nodeCount && nodes.stream().allMatch(n -> n.ip() != null);
    }

    /** The attempt asked last for {@code nodeId} (1 when it was asked once). */
    public int attempt(String nodeId) {
        return attempts.getOrDefault(nodeId, 1);
    }

    /** A copy of this state with the fields {@code change} sets on a {@link Copy}. */
    InstanceState copy(java.util.function.Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return c.build();
    }

    /** The fields of a state, to change some and build another. */
    static final class Copy {
        Status status;
        InstanceEvent.Accepted instance;
        String plan;
        List<String> allowlist;
        List<InstanceEvent.Node> nodes;
        int nodeCount;
        int nextNode;
        long epoch;
        Instant trialEndsAt;
        List<String> requestIds;
        List<String> replacements;
        List<InstanceEvent.Node> earlyNodes;
        List<EarlyFailover> earlyFailovers;
        Endpoint endpoint;
        Map<String, Integer> attempts;
        List<NodeFailure> nodeFailures;
        String failureReason;
        List<InstanceEvent.Node> retiredNodes;
        List<NodeFailure> earlyFailures;

        Copy(InstanceState s) {
            status = s.status;
            instance = s.instance;
            plan = s.plan;
            allowlist = s.allowlist;
            nodes = s.nodes;
            nodeCount = s.nodeCount;
            nextNode = s.nextNode;
            epoch = s.epoch;
            trialEndsAt = s.trialEndsAt;
            requestIds = s.requestIds;
            replacements = s.replacements;
            earlyNodes = s.earlyNodes;
            earlyFailovers = s.earlyFailovers;
            endpoint = s.endpoint;
            attempts = s.attempts;
            nodeFailures = s.nodeFailures;
            failureReason = s.failureReason;
            retiredNodes = s.retiredNodes;
            earlyFailures = s.earlyFailures;
        }

        InstanceState build() {
            return new InstanceState(status, instance, plan, allowlist, nodes, nodeCount, nextNode, epoch,
                    trialEndsAt, requestIds, replacements, earlyNodes, earlyFailovers, endpoint, attempts,
                    nodeFailures, failureReason, retiredNodes, earlyFailures);
        }
    }

    InstanceState withEarlyFailovers(List<EarlyFailover> early) {
        return copy(c -> c.earlyFailovers = last(early));
    }

    /** Without the early report of {@code nodeId}, once it is applied. */
    InstanceState withoutEarlyNode(String nodeId) {
        return withEarlyNodes(earlyNodes.stream().filter(e -> !e.nodeId().equals(nodeId)).toList());
    }

    InstanceState withEarlyNodes(List<InstanceEvent.Node> early) {
        return copy(c -> c.earlyNodes = last(early));
    }

    InstanceState withEarlyFailures(List<NodeFailure> early) {
        return copy(c -> c.earlyFailures = last(early));
    }

    /** The newest {@value #EARLY_NODES} of {@code items}. */
    private static <T> List<T> last(List<T> items) {
        return items.subList(Math.max(0, items.size() - EARLY_NODES), items.size());
    }

    /** {@code n} with its host and address if the data plane reported it early. */
    InstanceEvent.Node withEarlyAddress(InstanceEvent.Node n) {
        return earlyNodes.stream().filter(e -> e.nodeId().equals(n.nodeId())).findFirst()
                .map(e -> new InstanceEvent.Node(n.nodeId(), n.role(), e.zone(), e.host(), e.ip())).orElse(n);
    }

    InstanceState withRequest(String requestId) {
        if (requestId == null || requestIds.contains(requestId)) {
            return this;
        }
        List<String> ids = new ArrayList<>(requestIds);
        ids.add(requestId);
        return copy(c -> c.requestIds = List.copyOf(ids));
    }

    InstanceState with(Status s) {
        return copy(c -> c.status = s);
    }

    InstanceState withNodes(List<InstanceEvent.Node> n, int next) {
        return copy(c -> {
            c.nodes = List.copyOf(n);
            c.nextNode = next;
        });
    }

    InstanceState withPlan(String p, int count) {
        return copy(c -> {
            c.plan = p;
            c.nodeCount = count;
        });
    }

    InstanceState withAllowlist(List<String> a) {
        return copy(c -> c.allowlist = List.copyOf(a));
    }

    InstanceState withTrialEndsAt(Instant t) {
        return copy(c -> c.trialEndsAt = t);
    }

    InstanceState withEpoch(long e) {
        return copy(c -> c.epoch = e);
    }

    /** Nodes failover asked for in place of lost ones. */
    InstanceState withReplacements(List<String> r) {
        return copy(c -> c.replacements = r);
    }

    /** The endpoint the data plane reported, if this report names one. */
    InstanceState withEndpoint(String address, Integer port) {
        return address == null && port == null ? this : copy(c -> c.endpoint = new Endpoint(address, port));
    }

    /** {@code nodeId} was asked for the {@code attempt}th time. */
    InstanceState withAttempt(String nodeId, int attempt) {
        if (attempt <= 1 && !attempts.containsKey(nodeId)) {
            return this;
        }
        Map<String, Integer> a = new TreeMap<>(attempts);
        a.put(nodeId, attempt);
        return copy(c -> c.attempts = a);
    }

    InstanceState withFailure(NodeFailure f) {
        List<NodeFailure> failures = new ArrayList<>(nodeFailures.stream()
                .filter(x -> !x.nodeId().equals(f.nodeId())).toList());
        failures.add(f);
        return copy(c -> c.nodeFailures = failures);
    }

    /** Without the attempts and failures of {@code nodeId}: it runs, or is gone. */
    InstanceState withoutFailuresOf(String nodeId) {
        if (!attempts.containsKey(nodeId) && nodeFailures.stream().noneMatch(f -> f.nodeId().equals(nodeId))) {
            return this;
        }
        Map<String, Integer> a = new TreeMap<>(attempts);
        a.remove(nodeId);
        return copy(c -> {
            c.attempts = a;
            c.nodeFailures = nodeFailures.stream().filter(f -> !f.nodeId().equals(nodeId)).toList();
        });
    }

    InstanceState failed(String reason) {
        return copy(c -> {
            c.status = Status.FAILED;
            c.failureReason = reason;
        });
    }

    /** Remembers a node failover replaced, for the address it had if it rejoins. */
    InstanceState retiring(InstanceEvent.Node n) {
        List<InstanceEvent.Node> retired = new ArrayList<>(retiredNodes.stream()
                .filter(x -> !x.nodeId().equals(n.nodeId())).toList());
        retired.add(n);
        return copy(c -> c.retiredNodes = last(retired));
    }
}
