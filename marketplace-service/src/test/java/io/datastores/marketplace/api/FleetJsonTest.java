package io.datastores.marketplace.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;

import io.datastores.kit.json.JsonSerde;
import io.datastores.marketplace.domain.Cloud;
import io.datastores.marketplace.domain.Engine;
import io.datastores.marketplace.domain.InstanceView;
import io.datastores.marketplace.domain.InstanceView.Access;
import io.datastores.marketplace.domain.InstanceView.FailoverKind;
import io.datastores.marketplace.domain.InstanceView.FailoverView;
import io.datastores.marketplace.domain.InstanceView.NodeRole;
import io.datastores.marketplace.domain.InstanceView.Outcome;
import io.datastores.marketplace.domain.InstanceView.Progress;
import io.datastores.marketplace.domain.ListingView;
import io.datastores.marketplace.domain.Offering;
import io.datastores.marketplace.json.FlatViews;
import io.micronaut.serde.ObjectMapper;

/**
 * The fleet view's and the listing's parts ({@link Offering}, {@link Access}, {@link Outcome}) are
 * written into one flat document, as before they were parts: the HTTP answers, the view topics and an
 * instance's answer to another's fan-out read the same fields, and read back to the same view. The
 * mix-ins that say so ({@link FlatViews}) repeat their targets' components, and must keep doing so.
 */
class FleetJsonTest {

    static final InstanceView VIEW = new InstanceView("i-1",
            new Offering("org", "orders", Engine.POSTGRESQL, Cloud.AWS, "us-east-1", "PREMIUM-4"), "v1",
            InstanceView.Status.READY, null,
            new Access("i-1.db.example", 5432, true, 100, List.of("10.0.0.0/8"), null, "127.0.0.1"),
            List.of(new InstanceView.NodeView("n2", NodeRole.PRIMARY, "b", "h2", "10.0.0.2")), null,
            new FailoverView("f-1", FailoverKind.PROMOTION, Progress.COMPLETED, "n1", Instant.parse(
                    "2026-12-01T09:59:00Z"), null, new Outcome(Instant.parse("2026-12-01T09:59:05Z"), 1200L, 300L,
                            1500L, 0L, null, null)),
            Instant.parse("2026-12-01T10:00:00Z"));

    private static Map<String, Object> fields(String json) throws Exception {
        return JsonSerde.MAPPER.readValue(json, new TypeReference<Map<String, Object>>() { });
    }

    @Test
    void theHttpAnswerIsOneFlatDocumentAndReadsBack() throws Exception {
        try (ObjectMapper.CloseableObjectMapper http = ObjectMapper.create(Map.of())) {
            String json = http.writeValueAsString(VIEW);
            Map<String, Object> fields = fields(json);

            assertThat(fields).containsEntry("organizationId", "org").containsEntry("plan", "PREMIUM-4")
                    .containsEntry("serviceHost", "i-1.db.example").containsEntry("endpointAddress", "127.0.0.1")
                    .doesNotContainKeys("offering", "access");
            @SuppressWarnings("unchecked")
            Map<String, Object> failover = (Map<String, Object>) fields.get("failover");
            assertThat(failover).containsEntry("detectionMillis", 1200).containsEntry("state", "COMPLETED")
                    .doesNotContainKey("outcome");
            assertThat(http.readValue(json, InstanceView.class)).isEqualTo(VIEW);
        }
    }

    @Test
    void theViewTopicsDocumentIsFlatToo() throws Exception {
        String json = JsonSerde.MAPPER.writeValueAsString(VIEW);
        assertThat(fields(json)).containsEntry("engine", "POSTGRESQL").containsEntry("port", 5432)
                .doesNotContainKeys("offering", "access");
        assertThat(JsonSerde.MAPPER.readValue(json, InstanceView.class)).isEqualTo(VIEW);

        ListingView listing = new ListingView("i-1", VIEW.offering(), true, false, Map.of(), 1, 2, null);
        String listed = JsonSerde.MAPPER.writeValueAsString(listing);
        assertThat(fields(listed)).containsEntry("displayName", "orders").containsEntry("cloud", "AWS")
                .doesNotContainKey("offering");
        assertThat(JsonSerde.MAPPER.readValue(listed, ListingView.class)).isEqualTo(listing);
    }

    @Test
    void eachMixInRepeatsItsTargetsComponents() {
        new FlatViews().mixIns().forEach((target, shape) -> assertThat(components(shape))
                .as("%s against %s", shape.getSimpleName(), target.getSimpleName()).isEqualTo(components(target)));
    }

    private static List<String> components(Class<?> record) {
        return Stream.of(record.getRecordComponents()).map(c -> c.getName() + ":" + c.getGenericType()).toList();
    }

    @Test
    void theListingsHttpAnswerIsFlat() throws Exception {
        ListingView listing = new ListingView("i-1", VIEW.offering(), true, false,
                Map.of("prod", List.of("app")), 1, 2, Instant.parse("2026-12-01T10:00:00Z"));
        try (ObjectMapper.CloseableObjectMapper http = ObjectMapper.create(Map.of())) {
            String json = http.writeValueAsString(listing);
            assertThat(fields(json)).containsEntry("organizationId", "org").containsEntry("engine", "POSTGRESQL")
                    .doesNotContainKey("offering");
            assertThat(http.readValue(json, ListingView.class)).isEqualTo(listing);
        }
    }

    /**
     * The parts a view has before it knows them (an instance not yet ready, a failover in progress, a
     * listing of an instance not yet known) are written as the absent fields they were, and read back
     * to the same view.
     */
    @Test
    void emptyPartsAreAbsentFieldsAndReadBack() throws Exception {
        InstanceView provisioning = new InstanceView("i-2", new Offering("org", "orders", Engine.MYSQL, Cloud.GCP,
                "europe-west1", "HOBBYIST"), "v1", InstanceView.Status.PROVISIONING, null, null, List.of(), null,
                new FailoverView("f-2", FailoverKind.RESTORE, Progress.IN_PROGRESS, "n1",
                        Instant.parse("2026-12-01T09:59:00Z"), null, null),
                Instant.parse("2026-12-01T10:00:00Z"));
        ListingView unknown = new ListingView("i-3", null, false, false, Map.of(), 0, 0, null);
        try (ObjectMapper.CloseableObjectMapper http = ObjectMapper.create(Map.of())) {
            String json = http.writeValueAsString(provisioning);
            assertThat(fields(json)).doesNotContainKeys("serviceHost", "endpointAddress", "access")
                    .containsEntry("displayName", "orders");
            @SuppressWarnings("unchecked")
            Map<String, Object> failover = (Map<String, Object>) fields(json).get("failover");
            assertThat(failover).doesNotContainKeys("completedAt", "detectionMillis", "outcome");
            assertThat(http.readValue(json, InstanceView.class)).isEqualTo(provisioning);
            String listed = http.writeValueAsString(unknown);
            assertThat(fields(listed)).doesNotContainKeys("organizationId", "offering");
            assertThat(http.readValue(listed, ListingView.class)).isEqualTo(unknown);
        }
        assertThat(JsonSerde.MAPPER.readValue(JsonSerde.MAPPER.writeValueAsString(provisioning), InstanceView.class))
                .isEqualTo(provisioning);
        assertThat(JsonSerde.MAPPER.readValue(JsonSerde.MAPPER.writeValueAsString(unknown), ListingView.class))
                .isEqualTo(unknown);
    }

    @Test
    void theKitsMappersApplyTheMixIns() {
        FlatViews.requireApplied();
    }
}
