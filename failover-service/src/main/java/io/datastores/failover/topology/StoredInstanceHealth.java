package io.datastores.failover.topology;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.datastores.failover.domain.InstanceHealth;
import io.datastores.failover.domain.InstanceHealth.Failover;
import io.datastores.kit.json.JsonSerde;

/**
 * Reads an {@link InstanceHealth} from its stored document, in this version's shape or in the
 * previous version's flat one: the instance's fields ({@code instanceId}, {@code tracked} ...) at
 * the top level, and each failover's ({@code active}, {@code history}) failure, promotion and
 * outcome fields beside its id. Those move one to one into this version's
 * {@link InstanceHealth.Instance} and {@link Failover}'s parts; every other field stays as it was.
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

    private StoredInstanceHealth() {
    }

    /** Whether a state read in this version's shape is whole (not a flat one read as this one). */
    static boolean current(InstanceHealth h) {
        return h.instance() != null && (h.active() == null || current(h.active()))
                && h.history().stream().allMatch(StoredInstanceHealth::current);
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
