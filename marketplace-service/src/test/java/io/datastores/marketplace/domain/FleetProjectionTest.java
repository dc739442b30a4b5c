package io.datastores.marketplace.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.datastores.kit.decider.EventMeta;

class FleetProjectionTest {

    private final FleetProjection projection = new FleetProjection();

    private static EventMeta at(int second) {
        return new EventMeta("e" + second, "c", null, Instant.ofEpochSecond(second), "test");
    }

    private InstanceView fold(InstanceFact... facts) {
        InstanceView view = projection.initial("i-1");
        for (int i = 0; i < facts.length; i++) {
            view = projection.apply(view, facts[i], at(i));
        }
        return view;
    }

    private static final InstanceFact ACCEPTED = new InstanceFact.Accepted("i-1", "org", "orders", "POSTGRESQL", "AWS",
            "us-east-1", "BUSINESS-4", "orders.example", "v1", 2);

    @Test
    void acceptedThenReadyShowsTheServingInstance() {
        InstanceView view = fold(ACCEPTED, new InstanceFact.NodeRequested("n1", "PRIMARY", "a"),
                new InstanceFact.Ready("orders.example", 5432, true, 100, List.of("0.0.0.0/0"),
                        List.of(new InstanceView.NodeView("n1", "PRIMARY", "a", "h1", "10.0.0.1")), null, "v1"));
        assertThat(view.status()).isEqualTo(InstanceView.Status.READY);
        assertThat(view.connectionLimit()).isEqualTo(100);
        assertThat(view.nodes()).extracting(InstanceView.NodeView::ip).containsExactly("10.0.0.1");
        assertThat(view.updatedAt()).isEqualTo(Instant.ofEpochSecond(2));
    }

    @Test
    void aTrialThatEndsIsSuspendedAndResumes() {
        InstanceView suspended = fold(ACCEPTED, new InstanceFact.NodeRequested("n1", "PRIMARY", "a"),
                new InstanceFact.NodeRequested("n2", "STANDBY", "b"), new InstanceFact.Suspended(),
                new InstanceFact.NodeDecommissioned("n2"));
        assertThat(suspended.status()).isEqualTo(InstanceView.Status.SUSPENDED);
        assertThat(suspended.nodes()).extracting(InstanceView.NodeView::nodeId).containsExactly("n1");
        assertThat(projection.apply(suspended, new InstanceFact.Resumed(), at(9)).status())
                .isEqualTo(InstanceView.Status.READY);
    }

    @Test
    void theBackupWindowFollowsBackupService() {
        InstanceView.BackupWindow window = new InstanceView.BackupWindow(Instant.ofEpochSecond(100),
                Instant.ofEpochSecond(900), 14, 3);
        InstanceView v = fold(ACCEPTED, new InstanceFact.RestoreWindow(window),
                new InstanceFact.AllowlistChanged(List.of("10.0.0.0/8")));
        assertThat(v.backupWindow()).isEqualTo(window);
        assertThat(fold(new InstanceFact.RestoreWindow(window))).as("no instance, no view").isNull();
    }

    @Test
    void aFactAboutAnInstanceNeverAcceptedChangesNothing() {
        assertThat(fold(new InstanceFact.Deleted())).isNull();
    }

    @Test
    void replayingTheSameFactsGivesTheSameView() {
        InstanceFact[] facts = {ACCEPTED, new InstanceFact.NodeRequested("n1", "PRIMARY", "a"),
                new InstanceFact.AllowlistChanged(List.of("10.0.0.0/8")), new InstanceFact.PlanChanged("PREMIUM-8", 3,
                200, "v2"), new InstanceFact.Deleted()};
        InstanceView once = fold(facts);
        assertThat(fold(facts)).isEqualTo(once);
        assertThat(once.status()).isEqualTo(InstanceView.Status.DELETED);
        assertThat(once.plan()).isEqualTo("PREMIUM-8");
        assertThat(once.allowlist()).containsExactly("10.0.0.0/8");
        assertThat(projection.apply(once, ACCEPTED, at(9))).isSameAs(once);
    }

    @Test
    void theUpdateTimeIsTheLatestEventTimeWhateverOrderTheTopicsWereReadIn() {
        InstanceView accepted = projection.apply(null, ACCEPTED, at(1));
        InstanceFact failover = new InstanceFact.FailoverStarted("f-1", "PROMOTION", "n1", Instant.ofEpochSecond(4));
        InstanceFact allowlist = new InstanceFact.AllowlistChanged(List.of("10.0.0.0/8"));
        InstanceView failoverFirst = projection.apply(projection.apply(accepted, failover, at(5)), allowlist, at(3));
        InstanceView allowlistFirst = projection.apply(projection.apply(accepted, allowlist, at(3)), failover, at(5));
        assertThat(failoverFirst).isEqualTo(allowlistFirst);
        assertThat(failoverFirst.updatedAt()).isEqualTo(Instant.ofEpochSecond(5));
    }
}
