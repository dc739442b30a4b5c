package io.datastores.provisioning.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.datastores.provisioning.domain.InstanceEvent;
import io.datastores.provisioning.domain.InstanceEvent.Node;
import io.datastores.provisioning.domain.InstanceState;
import io.datastores.provisioning.domain.InstanceState.EarlyFailover;
import io.datastores.provisioning.domain.InstanceState.Endpoint;
import io.datastores.provisioning.domain.InstanceState.NodeFailure;
import io.datastores.provisioning.domain.InstanceState.Status;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What provisioning knows of one instance. {@code requestIds} are the requests already decided,
 * so that a retried request has its effect once; {@code nextNode} numbers new nodes so that a node
 * id is never reused.
 *
 * @param endpoint the instance's stable endpoint, where the data plane runs one (null: none
 *     reported)
 * @param attempts per node asked for more than once, the attempt asked last
 * @param nodeFailures per node, the last failure the data plane reported while it is not running
 * @param failureReason why the instance is {@link Status#FAILED}
 * @param retiredNodes nodes failover replaced, kept (bounded) for the address they had if they
 *     rejoin
 * @param earlyFailures node failures reported before this instance's request was read
 */
@Serdeable
@Schema(name = "InstanceState")
public record InstanceStateView(Status status, InstanceEvent.Accepted instance, String plan,
        List<String> allowlist, List<Node> nodes, int nodeCount, int nextNode, long epoch,
        Instant trialEndsAt, List<String> requestIds, List<String> replacements,
        List<Node> earlyNodes, List<EarlyFailover> earlyFailovers, Endpoint endpoint,
        Map<String, Integer> attempts,
        List<NodeFailure> nodeFailures, String failureReason, List<Node> retiredNodes,
        List<NodeFailure> earlyFailures) {

    /** The answer for {@code s}: its parts laid flat, as {@code GET /instances/{id}} answers. */
    public static InstanceStateView of(InstanceState s) {
        InstanceState.Terms terms = s.terms();
        InstanceState.Topology topology = s.topology();
        return new InstanceStateView(s.status(), s.instance(), terms.plan(), terms.allowlist(),
                topology.nodes(), terms.nodeCount(), topology.nextNode(), topology.epoch(),
                terms.trialEndsAt(), s.requestIds(), topology.replacements(), s.early().nodes(),
                s.early().failovers(), topology.endpoint(), s.retries().attempts(),
                s.retries().failures(), s.failureReason(), topology.retired(),
                s.early().failures());
    }
}
