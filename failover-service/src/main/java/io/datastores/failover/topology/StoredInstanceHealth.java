package io.datastores.failover.topology;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.datastores.failover.domain.InstanceHealth;
import io.datastores.kit.json.JsonSerde;

/**
 * Reads an {@link InstanceHealth} from its stored document, in this version's shape or in the
 * previous version's flat one: the instance's fields ({@code instanceId}, {@code tracked} ...) at
 * the top level. Those move one to one into this version's {@link InstanceHealth.Instance}; every
 * other field stays as it was.
 */
final class StoredInstanceHealth {

    /** The previous version's top-level fields that are now {@code instance}'s. */
    static final List<String> INSTANCE = List.of("instanceId", "tracked", "deleted", "region",
            "plan", "tier", "nodeCount", "serviceHost");

    private StoredInstanceHealth() {
    }

    /** Whether a state read in this version's shape is whole (not a flat one read as this one). */
    static boolean current(InstanceHealth h) {
        return h.instance() != null;
    }

    static InstanceHealth read(JsonNode stored) throws JsonProcessingException {
        return JsonSerde.MAPPER.treeToValue(upgraded(stored), InstanceHealth.class);
    }

    /** The document in this version's shape: as it is, or with the flat fields moved. */
    static JsonNode upgraded(JsonNode stored) {
        if (!(stored instanceof ObjectNode flat) || !flat.has("instanceId")) {
            return stored;
        }
        ObjectNode s = flat.objectNode();
        s.set("instance", part(flat, INSTANCE));
        flat.fields().forEachRemaining(f -> {
            if (!INSTANCE.contains(f.getKey())) {
                s.set(f.getKey(), f.getValue());
            }
        });
        return s;
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
