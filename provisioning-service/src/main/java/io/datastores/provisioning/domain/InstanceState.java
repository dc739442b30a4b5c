package io.datastores.provisioning.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import io.datastores.provisioning.domain.InstanceEvent.Node;

/**
 * What provisioning knows of one instance, in small named parts: its phase ({@link Status}), what
 * it was accepted as, its {@link Terms}, its {@link Topology} of nodes, the {@link Retries} of the
 * nodes the data plane could not start, the {@link EarlyReports} read before they were due, and
 * the requests already decided, so that a retried request has its effect once.
 *
 * @param instance what was accepted (null while {@link Status#NEW})
 * @param requestIds the requests already decided
 * @param failureReason why the instance is {@link Status#FAILED} (kept once it is deleted)
 */
public record InstanceState(Status status, InstanceEvent.Accepted instance, Terms terms,
        Topology topology, Retries retries, EarlyReports early, List<String> requestIds,
        String failureReason) {

    /** Reports held early, and nodes failover retired, are kept up to this many (the newest). */
    static final int KEPT = 16;

    public InstanceState {
        terms = terms == null ? Terms.NONE : terms;
        topology = topology == null ? Topology.INITIAL : topology;
        retries = retries == null ? Retries.NONE : retries;
        early = early == null ? EarlyReports.NONE : early;
        requestIds = requestIds == null ? List.of() : List.copyOf(requestIds);
    }

    /**
     * NEW: never accepted. PROVISIONING: nodes coming up. READY: serving. CHANGING: serving while
     * a plan change brings up nodes. SUSPENDED: trial over. FAILED: the data plane could not run
     * its nodes (it can only be deleted). DELETED: gone.
     */
    public enum Status {
        NEW, PROVISIONING, READY, CHANGING, SUSPENDED, FAILED, DELETED;

        /** Serving, or about to: provisioning, ready or changing. */
        public boolean live() {
            return switch (this) {
                case PROVISIONING, READY, CHANGING -> true;
                case NEW, SUSPENDED, FAILED, DELETED -> false;
            };
        }

        /** Nodes are coming up: provisioning or changing. */
        public boolean comingUp() {
            return switch (this) {
                case PROVISIONING, CHANGING -> true;
                case NEW, READY, SUSPENDED, FAILED, DELETED -> false;
            };
        }
    }

    /**
     * What the instance runs on: its plan and the plan's node count, its allow-list, and when its
     * trial ends (null: it is no trial).
     */
    public record Terms(String plan, int nodeCount, List<String> allowlist, Instant trialEndsAt) {

        static final Terms NONE = new Terms(null, 0, List.of(), null);

        public Terms {
            allowlist = allowlist == null ? List.of() : List.copyOf(allowlist);
        }

        Terms withPlan(String p, int count) {
            return new Terms(p, count, allowlist, trialEndsAt);
        }

        Terms withAllowlist(List<String> a) {
            return new Terms(plan, nodeCount, a, trialEndsAt);
        }

        Terms withTrialEndsAt(Instant end) {
            return new Terms(plan, nodeCount, allowlist, end);
        }
    }

    /**
     * The instance's nodes as failovers left them. {@code nextNode} numbers new nodes so that a
     * node id is never reused; {@code epoch} is the latest failover's; {@code replacements} are
     * the nodes failover asked for in place of lost ones; {@code retired} the nodes it replaced,
     * kept (bounded) for the address they had if they rejoin; {@code endpoint} the instance's
     * stable endpoint, where the data plane runs one (null: none reported).
     */
    public record Topology(List<Node> nodes, int nextNode, long epoch, List<String> replacements,
            List<Node> retired, Endpoint endpoint) {

        static final Topology INITIAL = new Topology(List.of(), 1, 1, List.of(), List.of(), null);

        public Topology {
            nodes = nodes == null ? List.of() : List.copyOf(nodes);
            replacements = replacements == null ? List.of() : List.copyOf(replacements);
            retired = retired == null ? List.of() : List.copyOf(retired);
        }

        Optional<Node> node(String nodeId) {
            return nodes.stream().filter(n -> n.nodeId().equals(nodeId)).findFirst();
        }

        boolean has(String nodeId) {
            return node(nodeId).isPresent();
        }

        /** {@code nodeId} is one of the nodes, and not the primary. */
        boolean hasStandby(String nodeId) {
            return nodes.stream()
                    .anyMatch(n -> n.nodeId().equals(nodeId) && n.role() != NodeRole.PRIMARY);
        }

        /** At least {@code count} nodes, all running. */
        boolean allUp(int count) {
            return nodes.size() >= count && nodes.stream().allMatch(n -> n.ip() != null);
        }

        Topology withNodes(List<Node> n, int next) {
            return new Topology(n, next, epoch, replacements, retired, endpoint);
        }

        Topology withNextNode(int next) {
            return withNodes(nodes, next);
        }

        Topology adding(Node n) {
            List<Node> all = new ArrayList<>(nodes);
            all.add(n);
            return withNodes(all, nextNode);
        }

        /** {@code n} in place of the node of its id, or added when there is none. */
        Topology putting(Node n) {
            List<Node> all = new ArrayList<>(nodes.stream()
                    .map(x -> x.nodeId().equals(n.nodeId()) ? n : x).toList());
            if (all.stream().noneMatch(x -> x.nodeId().equals(n.nodeId()))) {
                all.add(n);
            }
            return withNodes(all, nextNode);
        }

        /** The node of {@code nodeId} as {@code change} makes it. */
        Topology changing(String nodeId, UnaryOperator<Node> change) {
            return withNodes(nodes.stream()
                    .map(x -> x.nodeId().equals(nodeId) ? change.apply(x) : x).toList(), nextNode);
        }

        Topology without(String nodeId) {
            return withNodes(nodes.stream().filter(x -> !x.nodeId().equals(nodeId)).toList(),
                    nextNode);
        }

        /** {@code nodeId} the primary, the primary before it a standby. */
        Topology promoting(String nodeId) {
            return withNodes(nodes.stream()
                    .map(x -> x.nodeId().equals(nodeId) ? as(x, NodeRole.PRIMARY)
                            : x.role() == NodeRole.PRIMARY ? as(x, NodeRole.STANDBY) : x)
                    .toList(), nextNode);
        }

        private static Node as(Node n, NodeRole role) {
            return new Node(n.nodeId(), role, n.zone(), n.host(), n.ip());
        }

        /** At {@code e}, or the later epoch it is at. */
        Topology atEpoch(long e) {
            return new Topology(nodes, nextNode, Math.max(epoch, e), replacements, retired,
                    endpoint);
        }

        Topology withReplacement(String nodeId) {
            List<String> all = new ArrayList<>(replacements);
            all.add(nodeId);
            return new Topology(nodes, nextNode, epoch, all, retired, endpoint);
        }

        Topology withoutReplacement(String nodeId) {
            List<String> rest = replacements.stream().filter(r -> !r.equals(nodeId)).toList();
            return new Topology(nodes, nextNode, epoch, rest, retired, endpoint);
        }

        /** Remembers a node failover replaced, for the address it had if it rejoins. */
        Topology retiring(Node n) {
            List<Node> all = new ArrayList<>(retired.stream()
                    .filter(x -> !x.nodeId().equals(n.nodeId())).toList());
            all.add(n);
            return new Topology(nodes, nextNode, epoch, replacements, newest(all), endpoint);
        }

        /** The endpoint the data plane reported, if this report names one. */
        Topology withEndpoint(String address, Integer port) {
            return address == null && port == null ? this : new Topology(nodes, nextNode, epoch,
                    replacements, retired, new Endpoint(address, port));
        }
    }

    /**
     * The instance's stable endpoint: the address to dial (null: the service host) and its port.
     */
    public record Endpoint(String address, Integer port) {
    }

    /**
     * The nodes the data plane could not start. {@code attempts}: per node asked for more than
     * once, the attempt asked last. {@code failures}: per node, the last failure the data plane
     * reported while it is not running.
     */
    public record Retries(Map<String, Integer> attempts, List<NodeFailure> failures) {

        static final Retries NONE = new Retries(Map.of(), List.of());

        public Retries {
            attempts = attempts == null ? Map.of()
                    : Collections.unmodifiableMap(new TreeMap<>(attempts));
            failures = failures == null ? List.of() : List.copyOf(failures);
        }

        /** The attempt asked last for {@code nodeId} (1 when it was asked once). */
        int attempt(String nodeId) {
            return attempts.getOrDefault(nodeId, 1);
        }

        /** A failure of {@code nodeId} at {@code attempt} or a later one is known. */
        boolean seen(String nodeId, int attempt) {
            return failures.stream()
                    .anyMatch(x -> x.nodeId().equals(nodeId) && x.attempt() >= attempt);
        }

        /** {@code nodeId} was asked for the {@code attempt}th time. */
        Retries asked(String nodeId, int attempt) {
            if (attempt <= 1 && !attempts.containsKey(nodeId)) {
                return this;
            }
            Map<String, Integer> a = new TreeMap<>(attempts);
            a.put(nodeId, attempt);
            return new Retries(a, failures);
        }

        Retries failed(NodeFailure f) {
            List<NodeFailure> all = new ArrayList<>(failures.stream()
                    .filter(x -> !x.nodeId().equals(f.nodeId())).toList());
            all.add(f);
            return new Retries(attempts, all);
        }

        /** Without the attempts and failures of {@code nodeId}: it runs, or is gone. */
        Retries without(String nodeId) {
            if (!attempts.containsKey(nodeId)
                    && failures.stream().noneMatch(f -> f.nodeId().equals(nodeId))) {
                return this;
            }
            Map<String, Integer> a = new TreeMap<>(attempts);
            a.remove(nodeId);
            return new Retries(a,
                    failures.stream().filter(f -> !f.nodeId().equals(nodeId)).toList());
        }
    }

    /**
     * A node the data plane could not start: which attempt, why (the data plane's words), whether
     * it may be retried, and whether provisioning gave up on it.
     */
    public record NodeFailure(String nodeId, int attempt, String reason, boolean retryable,
            boolean gaveUp) {
    }

    /**
     * What was reported before it was due (read out of order), each kept up to {@value #KEPT}, the
     * newest: nodes the data plane reported before provisioning asked for them, and the failovers
     * and node failures reported before this instance's request was read.
     */
    public record EarlyReports(List<Node> nodes, List<EarlyFailover> failovers,
            List<NodeFailure> failures) {

        static final EarlyReports NONE = new EarlyReports(List.of(), List.of(), List.of());

        public EarlyReports {
            nodes = nodes == null ? List.of() : List.copyOf(nodes);
            failovers = failovers == null ? List.of() : List.copyOf(failovers);
            failures = failures == null ? List.of() : List.copyOf(failures);
        }

        boolean hasNode(String nodeId) {
            return nodes.stream().anyMatch(e -> e.nodeId().equals(nodeId));
        }

        /** {@code n} with its zone, host and address if the data plane reported it early. */
        Node withAddress(Node n) {
            return nodes.stream().filter(e -> e.nodeId().equals(n.nodeId())).findFirst()
                    .map(e -> new Node(n.nodeId(), n.role(), e.zone(), e.host(), e.ip()))
                    .orElse(n);
        }

        EarlyReports withNode(Node n) {
            return new EarlyReports(newest(appended(nodes, n)), failovers, failures);
        }

        /** Without the early report of {@code nodeId}, once it is applied. */
        EarlyReports withoutNode(String nodeId) {
            List<Node> rest = nodes.stream().filter(e -> !e.nodeId().equals(nodeId)).toList();
            return new EarlyReports(newest(rest), failovers, failures);
        }

        EarlyReports withFailover(EarlyFailover f) {
            return new EarlyReports(nodes, newest(appended(failovers, f)), failures);
        }

        EarlyReports withoutFailovers() {
            return new EarlyReports(nodes, List.of(), failures);
        }

        EarlyReports withFailure(NodeFailure f) {
            return new EarlyReports(nodes, failovers, newest(appended(failures, f)));
        }

        EarlyReports withoutFailures() {
            return new EarlyReports(nodes, failovers, List.of());
        }

        private static <T> List<T> appended(List<T> items, T item) {
            List<T> all = new ArrayList<>(items);
            all.add(item);
            return all;
        }
    }

    /**
     * A failover event reported before this instance's request was read: REPLACEMENT, PROMOTION,
     * REJOIN (with the node's {@code ip}) or CANCEL (of the replacement {@code nodeId}).
     */
    public record EarlyFailover(Kind kind, String replacesNodeId, String nodeId, NodeRole role,
            String zone, long epoch, String ip) {

        /** What failover did. */
        public enum Kind {
            REPLACEMENT, PROMOTION, REJOIN, CANCEL
        }
    }

    public static InstanceState initial() {
        return new InstanceState(Status.NEW, null, Terms.NONE, Topology.INITIAL, Retries.NONE,
                EarlyReports.NONE, List.of(), null);
    }

    public boolean handled(String requestId) {
        return requestIds.contains(requestId);
    }

    /** All planned nodes are running. */
    public boolean allNodesUp() {
        return topology.allUp(terms.nodeCount());
    }

    /** The newest {@value #KEPT} of {@code items}. */
    static <T> List<T> newest(List<T> items) {
        return items.subList(Math.max(0, items.size() - KEPT), items.size());
    }

    InstanceState with(Status s) {
        return new InstanceState(s, instance, terms, topology, retries, early, requestIds,
                failureReason);
    }

    InstanceState with(Terms t) {
        return new InstanceState(status, instance, t, topology, retries, early, requestIds,
                failureReason);
    }

    InstanceState with(Topology t) {
        return new InstanceState(status, instance, terms, t, retries, early, requestIds,
                failureReason);
    }

    InstanceState with(Retries r) {
        return new InstanceState(status, instance, terms, topology, r, early, requestIds,
                failureReason);
    }

    InstanceState with(EarlyReports e) {
        return new InstanceState(status, instance, terms, topology, retries, e, requestIds,
                failureReason);
    }

    /** Accepted as {@code a}: its nodes yet to be asked for, early failures decided with it. */
    InstanceState accepted(InstanceEvent.Accepted a) {
        return new InstanceState(Status.PROVISIONING, a,
                new Terms(a.plan(), a.nodeCount(), a.allowlist(), a.trialEndsAt()),
                topology.withNodes(List.of(), 1), retries, early.withoutFailures(), requestIds,
                failureReason);
    }

    InstanceState failed(String reason) {
        return new InstanceState(Status.FAILED, instance, terms, topology, retries, early,
                requestIds, reason);
    }

    InstanceState withRequest(String requestId) {
        if (requestId == null || requestIds.contains(requestId)) {
            return this;
        }
        List<String> ids = new ArrayList<>(requestIds);
        ids.add(requestId);
        return new InstanceState(status, instance, terms, topology, retries, early, ids,
                failureReason);
    }
}
