package io.datastores.provisioning.topology;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

import io.datastores.kit.json.JsonSerde;
import io.datastores.provisioning.domain.InstanceEvent;
import io.datastores.provisioning.domain.InstanceEvent.Node;
import io.datastores.provisioning.domain.InstanceState;
import io.datastores.provisioning.domain.InstanceState.EarlyFailover;
import io.datastores.provisioning.domain.InstanceState.EarlyReports;
import io.datastores.provisioning.domain.InstanceState.Endpoint;
import io.datastores.provisioning.domain.InstanceState.NodeFailure;
import io.datastores.provisioning.domain.InstanceState.Retries;
import io.datastores.provisioning.domain.InstanceState.Status;
import io.datastores.provisioning.domain.InstanceState.Terms;
import io.datastores.provisioning.domain.InstanceState.Topology;

/**
 * Reads an {@link InstanceState} stored as JSON text, in either shape it has had: the flat record
 * of version 1 (up to commit 1eadce8: plan, nodes, epoch, attempts... side by side), converted
 * field for field into the named parts, or the current one. The shapes are told apart by their
 * fields: the current one has {@code terms}, {@code topology}, {@code retries} or {@code early};
 * version 1 has none of them and at least one of its own.
 */
final class StoredInstanceState {

    /** The fields of version 1 that the current shape has only inside a part. */
    static final Set<String> V1_FIELDS = Set.of("plan", "allowlist", "nodes", "nodeCount",
            "nextNode", "epoch", "trialEndsAt", "replacements", "earlyNodes", "earlyFailovers",
            "endpoint", "attempts", "nodeFailures", "retiredNodes", "earlyFailures");

    /** The parts of the current shape. */
    static final Set<String> PARTS = Set.of("terms", "topology", "retries", "early");

    private static final ObjectReader TREE = JsonSerde.MAPPER.reader();
    private static final ObjectReader CURRENT = JsonSerde.MAPPER.readerFor(InstanceState.class);
    private static final ObjectReader V1_READER = JsonSerde.MAPPER.readerFor(V1.class);

    private StoredInstanceState() {
    }

    /** The state in {@code json}, converted when it is of version 1. */
    static InstanceState read(byte[] json) throws IOException {
        JsonNode tree = TREE.readTree(json);
        if (isV1(tree)) {
            return V1_READER.<V1>readValue(tree).toState();
        }
        return CURRENT.readValue(tree);
    }

    /** Whether {@code tree} is a state of version 1: none of the parts, some flat field. */
    static boolean isV1(JsonNode tree) {
        if (!tree.isObject() || PARTS.stream().anyMatch(tree::has)) {
            return false;
        }
        return V1_FIELDS.stream().anyMatch(tree::has);
    }

    /**
     * The flat state of version 1, as it was stored. Its early failover's kind was a string of
     * the same names as {@link EarlyFailover.Kind}'s; every other nested record is unchanged.
     */
    record V1(Status status, InstanceEvent.Accepted instance, String plan, List<String> allowlist,
            List<Node> nodes, int nodeCount, int nextNode, long epoch, Instant trialEndsAt,
            List<String> requestIds, List<String> replacements, List<Node> earlyNodes,
            List<EarlyFailover> earlyFailovers, Endpoint endpoint, Map<String, Integer> attempts,
            List<NodeFailure> nodeFailures, String failureReason, List<Node> retiredNodes,
            List<NodeFailure> earlyFailures) {

        InstanceState toState() {
            return new InstanceState(status == null ? Status.NEW : status, instance,
                    new Terms(plan, nodeCount, allowlist, trialEndsAt),
                    new Topology(nodes, nextNode, epoch, replacements, retiredNodes, endpoint),
                    new Retries(attempts, nodeFailures),
                    new EarlyReports(earlyNodes, earlyFailovers, earlyFailures), requestIds,
                    failureReason);
        }
    }
}
