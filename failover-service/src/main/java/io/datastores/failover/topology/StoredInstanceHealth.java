package io.datastores.failover.topology;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.datastores.failover.domain.InstanceHealth;
import io.datastores.failover.domain.InstanceHealth.Failover;
import io.datastores.failover.domain.InstanceHealth.Node;
import io.datastores.kit.json.JsonSerde;

/**
 * Reads an {@link InstanceHealth} from its stored document, in this version's shape or in the
 * previous versions' flat ones: the instance's fields ({@code instanceId}, {@code tracked} ...) at
 * the top level, each failover's ({@code active}, {@code history}) failure, promotion and outcome
 * fields beside its id, and each node's ({@code nodes}, {@code forgottenLost}) placement, heard and
 * stability fields beside its id. Those move one to one into this version's
 * {@link InstanceHealth.Instance}, {@link Failover}'s and {@link Node}'s parts; every other field
 * stays as it was. Each grouping is recognised on its own (a document may hold some flat and some
 * grouped).
 */
final class StoredInstanceHealth {

    /** The previous version's top-level fields that are now {@code instance}'s. */
    static final List<String> INSTANCE = List.of("instanceId", "tracked", "deleted", "region",
            "plan", "tier", "nodeCount", "serviceHost");

    /** The previous version's fields of a failover that are now in its parts, by part. */
    static final Map<String, List<String>> FAILOVER = Map.of(
            "failure", List.of("failedNodeId", "failedZone", "failedIp", "reason", "detectedBy",
                    "failedAt", "detectedAt", "primaryPosition"),
            "promotion", List.of("promotedNodeId", "promotedAt", "replacementNodeId",
                    "restorePointAt", "fromEpoch", "toEpoch"),
            "outcome", List.of("dataLossBytes", "dataLossWindowMillis", "completedAt",
                    "detectionMillis", "promotionMillis", "unavailableMillis", "note"));

    /**
     * The previous version's fields of a node that are now in its parts, by part. A node this
     * version writes always has a {@code placement}; the others it leaves null when empty.
     */
    static final Map<String, List<String>> NODE = Map.of(
            "placement", List.of("zone", "ip"),
            "heard", List.of("lastHeartbeatAt", "watchSince", "position"),
            "stability", List.of("healthySince", "minorFailures"));

    private static final List<String> NODE_FIELDS = NODE.values().stream().flatMap(List::stream)
            .toList();

    private StoredInstanceHealth() {
    }

    /** Whether a state read in this version's shape is whole (not a flat one read as this one). */
    static boolean current(InstanceHealth h) {
        return h.instance() != null && (h.active() == null || current(h.active()))
                && h.history().stream().allMatch(StoredInstanceHealth::current)
                && h.nodes().stream().allMatch(StoredInstanceHealth::current)
                && h.forgottenLost().stream().allMatch(StoredInstanceHealth::current);
    }

    /** A flat node read as this version's lacks its placement, which this version always writes. */
    private static boolean current(Node n) {
        return n.placement() != null;
    }

    private static boolean current(Failover f) {
        return f.failure() != null && f.promotion() != null && f.outcome() != null;
    }

    static InstanceHealth read(JsonNode stored) throws JsonProcessingException {
        return JsonSerde.MAPPER.treeToValue(upgraded(stored), InstanceHealth.class);
    }

    /** The document in this version's shape: as it is, or with the flat fields moved. */
    static JsonNode upgraded(JsonNode stored) {
        if (!(stored instanceof ObjectNode flat)) {
            return stored;
        }
        ObjectNode s = flat.objectNode();
        if (flat.has("instanceId")) {
            s.set("instance", part(flat, INSTANCE));
        }
        flat.fields().forEachRemaining(f -> {
            if (f.getKey().equals("active")) {
                s.set("active", failover(f.getValue()));
            } else if (f.getKey().equals("history") && f.getValue() instanceof ArrayNode h) {
                ArrayNode history = s.putArray("history");
                h.forEach(x -> history.add(failover(x)));
            } else if ((f.getKey().equals("nodes") || f.getKey().equals("forgottenLost"))
                    && f.getValue() instanceof ArrayNode n) {
                ArrayNode nodes = s.putArray(f.getKey());
                n.forEach(x -> nodes.add(node(x)));
            } else if (!INSTANCE.contains(f.getKey())) {
                s.set(f.getKey(), f.getValue());
            }
        });
        return s;
    }

    /** A failover in this version's shape: as it is, or with its flat fields moved. */
    private static JsonNode failover(JsonNode stored) {
        if (!(stored instanceof ObjectNode flat) || !flat.has("failedNodeId")) {
            return stored;
        }
        List<String> moved = FAILOVER.values().stream().flatMap(List::stream).toList();
        ObjectNode f = flat.objectNode();
        flat.fields().forEachRemaining(x -> {
            if (!moved.contains(x.getKey())) {
                f.set(x.getKey(), x.getValue());
            }
        });
        FAILOVER.forEach((name, fields) -> f.set(name, part(flat, fields)));
        return f;
    }

    /**
     * A node in this version's shape: as it is, or with its flat fields moved (each part present,
     * with the fields the node had: an empty heard or stability reads as none).
     */
    private static JsonNode node(JsonNode stored) {
        if (!(stored instanceof ObjectNode flat) || NODE_FIELDS.stream().noneMatch(flat::has)) {
            return stored;
        }
        ObjectNode n = flat.objectNode();
        flat.fields().forEachRemaining(x -> {
            if (!NODE_FIELDS.contains(x.getKey())) {
                n.set(x.getKey(), x.getValue());
            }
        });
        NODE.forEach((name, fields) -> n.set(name, part(flat, fields)));
        return n;
    }

    /** The fields {@code names} of {@code flat}, as one object (those it lacks stay absent). */
    private static ObjectNode part(ObjectNode flat, List<String> names) {
        ObjectNode p = flat.objectNode();
        names.forEach(n -> {
            if (flat.has(n)) {
                p.set(n, flat.get(n));
            }
        });
        return p;
    }
}
