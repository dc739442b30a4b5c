package io.datastores.dataplane.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * What the local data plane runs: its instances and their nodes, with the ports it gave them. Kept on
 * disk after every change, so a restarted data plane re-adopts the servers it runs. Immutable: each
 * change returns a new fleet.
 *
 * @param firstPort the lowest port the data plane hands out (nodes and endpoints)
 * @param lastPort the highest
 */
public record Fleet(Map<String, Instance> instances, int firstPort, int lastPort) {

    public Fleet {
        instances = Map.copyOf(instances);
    }

    public static Fleet empty(int firstPort, int lastPort) {
        return new Fleet(Map.of(), firstPort, lastPort);
    }

    public Optional<Instance> instance(String instanceId) {
        return Optional.ofNullable(instances.get(instanceId));
    }

    /** The node with this id, whichever instance it belongs to. */
    public Optional<Node> node(String nodeId) {
        return instances.values().stream().flatMap(i -> i.nodes().values().stream())
                .filter(n -> n.nodeId().equals(nodeId)).findFirst();
    }

    public Optional<Instance> instanceOfNode(String nodeId) {
        return instances.values().stream().filter(i -> i.nodes().containsKey(nodeId)).findFirst();
    }

    /** Nodes that take a share of this machine: every node it keeps (a lost one may return). */
    public int nodeCount() {
        return instances.values().stream().mapToInt(i -> i.nodes().size()).sum();
    }

    public Fleet with(Instance instance) {
        Map<String, Instance> next = new LinkedHashMap<>(instances);
        next.put(instance.instanceId(), instance);
        return new Fleet(next, firstPort, lastPort);
    }

    public Fleet without(String instanceId) {
        Map<String, Instance> next = new LinkedHashMap<>(instances);
        next.remove(instanceId);
        return new Fleet(next, firstPort, lastPort);
    }

    public Fleet withInstance(String instanceId, UnaryOperator<Instance> change) {
        return instance(instanceId).map(i -> with(change.apply(i))).orElse(this);
    }

    public Fleet withNode(String nodeId, UnaryOperator<Node> change) {
        return instanceOfNode(nodeId).map(i -> with(i.withNode(change.apply(i.nodes().get(nodeId))))).orElse(this);
    }

    /** The lowest port of the range that no instance or node holds and that is {@code usable} on this machine. */
    public Optional<Integer> freePort(java.util.function.IntPredicate usable) {
        Set<Integer> used = new TreeSet<>();
        for (Instance i : instances.values()) {
            used.add(i.endpointPort());
            i.nodes().values().forEach(n -> used.add(n.port()));
        }
        for (int p = firstPort; p <= lastPort; p++) {
            if (!used.contains(p) && usable.test(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * One managed instance on this machine.
     *
     * @param serviceHost the name its certificate carries and clients verify
     * @param endpointPort where its stable endpoint listens on 127.0.0.1
     * @param epoch the newest fencing epoch seen for it: older commands are refused
     * @param primaryNodeId the node the endpoint points at (null until the first primary runs)
     */
    public record Instance(String instanceId, Engine engine, String plan, Tier tier, String serviceHost, int endpointPort,
            int connectionLimit, List<String> allowlist, long epoch, String primaryNodeId,
            Map<String, Node> nodes) {

        public Instance {
            tier = tier == null ? Tier.UNKNOWN : tier;
            allowlist = List.copyOf(allowlist);
            nodes = Map.copyOf(nodes);
        }

        public Instance withNode(Node node) {
            Map<String, Node> next = new LinkedHashMap<>(nodes);
            next.put(node.nodeId(), node);
            return new Instance(instanceId, engine, plan, tier, serviceHost, endpointPort, connectionLimit, allowlist, epoch,
                    primaryNodeId, next);
        }

        public Instance withoutNode(String nodeId) {
            Map<String, Node> next = new LinkedHashMap<>(nodes);
            next.remove(nodeId);
            return new Instance(instanceId, engine, plan, tier, serviceHost, endpointPort, connectionLimit, allowlist, epoch,
                    nodeId.equals(primaryNodeId) ? null : primaryNodeId, next);
        }

        public Instance withEpoch(long newEpoch) {
            return new Instance(instanceId, engine, plan, tier, serviceHost, endpointPort, connectionLimit, allowlist,
                    Math.max(epoch, newEpoch), primaryNodeId, nodes);
        }

        public Instance withPrimary(String nodeId) {
            return new Instance(instanceId, engine, plan, tier, serviceHost, endpointPort, connectionLimit, allowlist, epoch,
                    nodeId, nodes);
        }

        public Instance withPlan(String newPlan, Tier newTier, int newLimit) {
            return new Instance(instanceId, engine, newPlan, newTier, serviceHost, endpointPort, newLimit, allowlist, epoch,
                    primaryNodeId, nodes);
        }

        public Instance withAllowlist(List<String> newAllowlist) {
            return new Instance(instanceId, engine, plan, tier, serviceHost, endpointPort, connectionLimit, newAllowlist,
                    epoch, primaryNodeId, nodes);
        }

        public Optional<Node> primary() {
            return primaryNodeId == null ? Optional.empty() : Optional.ofNullable(nodes.get(primaryNodeId));
        }

        /** Standbys that run (not provisioning, lost or crashed), in node id order. */
        public List<Node> runningStandbys() {
            List<Node> out = new ArrayList<>(nodes.values().stream()
                    .filter(n -> n.role() == Role.STANDBY && n.status() == NodeStatus.RUNNING).toList());
            out.sort(Comparator.comparing(Node::nodeId));
            return out;
        }

        /** Standbys that stream, or will again (a crashed one restarts): the quorum's members. */
        public List<Node> standbys() {
            List<Node> out = new ArrayList<>(nodes.values().stream()
                    .filter(n -> n.role() == Role.STANDBY && n.status() != NodeStatus.LOST).toList());
            out.sort(Comparator.comparing(Node::nodeId));
            return out;
        }

        /** Premium plans commit synchronously to a quorum of their standbys (ANY 1). */
        public boolean synchronous() {
            return tier == Tier.PREMIUM;
        }
    }

    /**
     * One server.
     *
     * @param port its own port on 127.0.0.1 (clients use the instance's endpoint)
     * @param epoch the epoch it serves at (its heartbeats carry it)
     */
    public record Node(String nodeId, Role role, int port, long epoch, NodeStatus status, String zone) {

        public Node with(NodeStatus newStatus) {
            return new Node(nodeId, role, port, epoch, newStatus, zone);
        }

        public Node as(Role newRole, long newEpoch) {
            return new Node(nodeId, newRole, port, newEpoch, status, zone);
        }

        /** How the control plane knows the node's address: all nodes share loopback, so with the port. */
        public String address() {
            return "127.0.0.1:" + port;
        }
    }

    /** A server's role. */
    public enum Role {
        PRIMARY, STANDBY
    }

    /** What a node's server is doing. */
    public enum NodeStatus {
        /** Being made (initdb, base backup); not yet reported. */
        PROVISIONING,
        /** Running and reported. */
        RUNNING,
        /** Its postmaster died: a minor failure, restarted in place when the control plane asks. */
        CRASHED,
        /** Its machine is gone (simulated): it says nothing until it returns. */
        LOST
    }
}
