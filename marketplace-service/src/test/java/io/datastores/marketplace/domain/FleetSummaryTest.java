package io.datastores.marketplace.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.datastores.marketplace.domain.InstanceView.Status;

class FleetSummaryTest {

    private static InstanceView view(String id, Status status, String engine, String plan, boolean window,
            boolean failing) {
        return new InstanceView(id, new Offering("org", "db " + id, Engine.valueOf(engine), Cloud.AWS, "us-east-1",
                plan), "v1", status, null, new InstanceView.Access("h", 5432, true, 100, List.of(), null, null),
                List.of(), window ? new InstanceView.BackupWindow(Instant.EPOCH, Instant.EPOCH, 7, 1) : null,
                failing ? new InstanceView.FailoverView("f-" + id, InstanceView.FailoverKind.PROMOTION,
                        InstanceView.Progress.IN_PROGRESS, "n1", Instant.EPOCH, null, null) : null, Instant.EPOCH);
    }

    /** The summary a pass over every view would give. */
    private static FleetSummary counted(Map<String, InstanceView> views) {
        FleetSummary s = FleetSummary.empty("org");
        for (InstanceView v : views.values()) {
            s = s.change(null, v);
        }
        return s;
    }

    @Test
    void aNewInstanceIsCountedByStatusEngineAndPlan() {
        FleetSummary s = FleetSummary.empty("org").change(null, view("i-1", Status.PROVISIONING, "MYSQL", "HOBBYIST",
                false, false));
        assertThat(s.instances()).isEqualTo(1);
        assertThat(s.byStatus()).containsExactly(Map.entry(InstanceView.Status.PROVISIONING, 1L));
        assertThat(s.byEngine()).containsExactly(Map.entry(Engine.MYSQL, 1L));
        assertThat(s.byPlan()).containsExactly(Map.entry("HOBBYIST", 1L));
    }

    @Test
    void aChangeMovesTheInstanceBetweenCountsAndLeavesNoZeroBehind() {
        InstanceView provisioning = view("i-1", Status.PROVISIONING, "MYSQL", "HOBBYIST", false, false);
        InstanceView ready = view("i-1", Status.READY, "MYSQL", "STARTUP-4", true, true);
        FleetSummary s = FleetSummary.empty("org").change(null, provisioning).change(provisioning, ready);
        assertThat(s.instances()).isEqualTo(1);
        assertThat(s.byStatus()).containsExactly(Map.entry(InstanceView.Status.READY, 1L));
        assertThat(s.byPlan()).containsExactly(Map.entry("STARTUP-4", 1L));
        assertThat(s.withBackupWindow()).isEqualTo(1);
        assertThat(s.inFailover()).extracting(FleetSummary.InFailover::instanceId).containsExactly("i-1");
    }

    @Test
    void aDeletedInstanceLeavesTheSummary() {
        InstanceView ready = view("i-1", Status.READY, "MYSQL", "HOBBYIST", true, true);
        FleetSummary s = FleetSummary.empty("org").change(null, ready)
                .change(ready, view("i-1", Status.DELETED, "MYSQL", "HOBBYIST", true, false));
        assertThat(s.isEmpty()).isTrue();
        assertThat(s).isEqualTo(FleetSummary.empty("org"));
    }

    @Test
    void keptFromChangesItEqualsACountOfTheViews() {
        Random random = new Random(42);
        Status[] statuses = Status.values();
        String[] engines = {"POSTGRESQL", "MYSQL", "CACHE"};
        String[] plans = {"HOBBYIST", "STARTUP-4", "PREMIUM-8"};
        Map<String, InstanceView> views = new HashMap<>();
        FleetSummary kept = FleetSummary.empty("org");
        for (int step = 0; step < 5_000; step++) {
            String id = "i-" + random.nextInt(200);
            InstanceView after = view(id, statuses[random.nextInt(statuses.length)],
                    engines[random.nextInt(engines.length)], plans[random.nextInt(plans.length)], random.nextBoolean(),
                    random.nextInt(10) == 0);
            InstanceView before = views.put(id, after);
            FleetSummary changed = kept.change(before, after);
            if (FleetSummary.sameShare(before, after)) {
                assertThat(changed).isEqualTo(kept);
            }
            kept = changed;
            if (step % 500 == 0) {
                assertThat(kept).isEqualTo(counted(views));
            }
        }
        assertThat(kept).isEqualTo(counted(views));
    }

    @Test
    void aChangeThatMovesNoCountNeedsNoWrite() {
        InstanceView ready = view("i-1", Status.READY, "MYSQL", "HOBBYIST", true, false);
        InstanceView moved = new InstanceView("i-1", new Offering("org", "db i-1", Engine.MYSQL, Cloud.AWS, "us-east-1",
                "HOBBYIST"), "v2", Status.READY, null,
                new InstanceView.Access("other-host", 5432, true, 100, List.of(), null, "127.0.0.1"), List.of(),
                new InstanceView.BackupWindow(Instant.EPOCH, Instant.EPOCH.plusSeconds(300), 7, 2), null, Instant.EPOCH);
        assertThat(FleetSummary.sameShare(ready, moved)).isTrue();
        assertThat(FleetSummary.sameShare(ready, view("i-1", Status.SUSPENDED, "MYSQL", "HOBBYIST", true, false)))
                .isFalse();
        assertThat(FleetSummary.sameShare(ready, view("i-1", Status.READY, "MYSQL", "HOBBYIST", true, true)))
                .isFalse();
        assertThat(FleetSummary.sameShare(null, ready)).isFalse();
        assertThat(FleetSummary.sameShare(null, view("i-1", Status.DELETED, "MYSQL", "HOBBYIST", true, false)))
                .isTrue();
    }

    @Test
    void partitionsAddUp() {
        FleetSummary a = FleetSummary.empty("org").change(null, view("i-1", Status.READY, "MYSQL", "HOBBYIST", false,
                true));
        FleetSummary b = FleetSummary.empty("org").change(null, view("i-2", Status.READY, "CACHE", "HOBBYIST", true,
                false));
        FleetSummary both = a.merge(b);
        assertThat(both.instances()).isEqualTo(2);
        assertThat(both.byStatus()).containsExactly(Map.entry(InstanceView.Status.READY, 2L));
        assertThat(both.byPlan()).containsExactly(Map.entry("HOBBYIST", 2L));
        assertThat(both.withBackupWindow()).isEqualTo(1);
        assertThat(both.inFailover()).hasSize(1);
        assertThat(both.merge(FleetSummary.empty("other")).organizationId()).isEqualTo("*");
    }
}
