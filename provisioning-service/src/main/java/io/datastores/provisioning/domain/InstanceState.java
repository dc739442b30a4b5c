package io.datastores.provisioning.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * What provisioning knows of one instance. {@code requestIds} are the requests already decided,
 * so that a retried request has its effect once.
 */
public record InstanceState(Status status, InstanceEvent.Accepted instance, String plan, List<String> allowlist,
        List<InstanceEvent.Node> nodes, int nodeCount, long epoch, List<String> requestIds) {

    public enum Status {
        NEW, PROVISIONING, READY, DELETED
    }

    public static InstanceState initial() {
        return new InstanceState(Status.NEW, null, null, List.of(), List.of(), 0, 1, List.of());
    }

    public boolean handled(String requestId) {
        return requestIds.contains(requestId);
    }

    InstanceState withRequest(String requestId) {
        if (requestId == null || requestIds.contains(requestId)) {
            return this;
        }
        List<String> ids = new ArrayList<>(requestIds);
        ids.add(requestId);
        return new InstanceState(status, instance, plan, allowlist, nodes, nodeCount, epoch, List.copyOf(ids));
    }

    InstanceState with(Status s) {
        return new InstanceState(s, instance, plan, allowlist, nodes, nodeCount, epoch, requestIds);
    }

    InstanceState withNodes(List<InstanceEvent.Node> n) {
        return new InstanceState(status, instance, plan, allowlist, List.copyOf(n), nodeCount, epoch, requestIds);
    }

    /** All planned nodes are running. */
    public boolean allNodesUp() {
        return nodes.size() >= nodeCount && nodes.stream().allMatch(n -> n.ip() != null);
    }
}
