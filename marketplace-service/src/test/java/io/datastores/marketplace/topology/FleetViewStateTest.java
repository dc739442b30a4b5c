package io.datastores.marketplace.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.datastores.kit.json.StateSerde;
import io.datastores.marketplace.domain.Cloud;
import io.datastores.marketplace.domain.Engine;
import io.datastores.marketplace.domain.FleetSummary;
import io.datastores.marketplace.domain.InstanceView;
import io.datastores.marketplace.domain.InstanceView.FailoverKind;
import io.datastores.marketplace.domain.InstanceView.NodeRole;
import io.datastores.marketplace.domain.InstanceView.Progress;

/**
 * The fleet view and summary the previous version stored (engine, cloud, node roles and a failover's
 * kind and progress as strings) read with this version's enums, and this version writes the same
 * document back: the stores need no rebuild across the change, and the view topic's JSON is as it was.
 */
class FleetViewStateTest {

    private final StateSerde<Object> previous = new StateSerde<>(Object.class);
    private final StateSerde<JsonNode> documents = new StateSerde<>(JsonNode.class);

    private static Map<String, Object> previousView() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("instanceId", "i-1");
        v.put("organizationId", "org");
        v.put("displayName", "orders");
        v.put("engine", "POSTGRESQL");
        v.put("cloud", "GCP");
        v.put("region", "europe-west1");
        v.put("plan", "PREMIUM-4");
        v.put("status", "READY");
        v.put("serviceHost", "i-1.db.example");
        v.put("port", 5432);
        v.put("tlsRequired", true);
        v.put("connectionLimit", 100);
        v.put("allowlist", List.of("10.0.0.0/8"));
        v.put("nodes", List.of(
                Map.of("nodeId", "n1", "role", "LOST", "zone", "a"),
                Map.of("nodeId", "n2", "role", "PRIMARY", "zone", "b", "host", "h2", "ip", "10.0.0.2"),
                Map.of("nodeId", "n3", "role", "STANDBY", "zone", "c")));
        v.put("catalogVersion", "v1");
        v.put("updatedAt", "2026-12-01T10:00:00Z");
        v.put("failover", Map.of("failoverId", "f-1", "kind", "PROMOTION", "state", "COMPLETED",
                "failedNodeId", "n1", "failedAt", "2026-12-01T09:59:00Z", "detectionMillis", 1200));
        return v;
    }

    @Test
    void aViewStoredWithStringsReadsWithEnums() {
        InstanceView v = new StateSerde<>(InstanceView.class).deserializer()
                .deserialize("t", previous.serializer().serialize("t", previousView()));

        assertThat(v.offering().engine()).isEqualTo(Engine.POSTGRESQL);
        assertThat(v.offering().cloud()).isEqualTo(Cloud.GCP);
        assertThat(v.nodes()).extracting(InstanceView.NodeView::role)
                .containsExactly(NodeRole.LOST, NodeRole.PRIMARY, NodeRole.STANDBY);
        assertThat(v.primary()).isEqualTo("n2");
        assertThat(v.failover().kind()).isEqualTo(FailoverKind.PROMOTION);
        assertThat(v.failover().state()).isEqualTo(Progress.COMPLETED);
    }

    @Test
    void thisVersionWritesTheSameDocument() {
        StateSerde<InstanceView> views = new StateSerde<>(InstanceView.class);
        byte[] stored = previous.serializer().serialize("t", previousView());
        byte[] again = views.serializer().serialize("t", views.deserializer().deserialize("t", stored));

        // the previous version wrote its nulls too; this test's map leaves them out
        assertThat(withoutNulls(documents.deserializer().deserialize("t", again)))
                .isEqualTo(withoutNulls(documents.deserializer().deserialize("t", stored)));
    }

    private static JsonNode withoutNulls(JsonNode node) {
        if (node instanceof ObjectNode o) {
            List<String> nulls = new java.util.ArrayList<>();
            o.fields().forEachRemaining(f -> {
                if (f.getValue().isNull()) {
                    nulls.add(f.getKey());
                } else {
                    withoutNulls(f.getValue());
                }
            });
            o.remove(nulls);
        } else if (node.isArray()) {
            node.forEach(FleetViewStateTest::withoutNulls);
        }
        return node;
    }

    @Test
    void aSummaryStoredWithAStringKindReadsWithTheEnum() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("organizationId", "org");
        s.put("instances", 1);
        s.put("byStatus", Map.of("READY", 1));
        s.put("byEngine", Map.of("POSTGRESQL", 1));
        s.put("byPlan", Map.of("PREMIUM-4", 1));
        s.put("withBackupWindow", 0);
        s.put("inFailover", List.of(Map.of("instanceId", "i-1", "displayName", "orders", "kind", "RESTORE",
                "failedNodeId", "n1")));
        FleetSummary summary = new StateSerde<>(FleetSummary.class).deserializer()
                .deserialize("t", previous.serializer().serialize("t", s));

        assertThat(summary.inFailover()).singleElement()
                .satisfies(f -> assertThat(f.kind()).isEqualTo(FailoverKind.RESTORE));
    }

    @Test
    void aKindANewerFailoverServiceNamesIsUnknownNotAFailure() {
        assertThat(FailoverKind.of("RESTORE")).isEqualTo(FailoverKind.RESTORE);
        assertThat(FailoverKind.of("REPLICA_REBUILD")).isEqualTo(FailoverKind.UNKNOWN);
    }
}
