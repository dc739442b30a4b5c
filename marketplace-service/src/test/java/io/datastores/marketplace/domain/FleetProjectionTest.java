package io.datastores.marketplace.domain;

import io.datastores.marketplace.domain.InstanceView.FailoverKind;
import io.datastores.marketplace.domain.InstanceView.NodeRole;
import io.datastores.marketplace.domain.InstanceView.Progress;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

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

    private static final InstanceFact ACCEPTED = new InstanceFact.Accepted("i-1", "org", "orders", Engine.POSTGRESQL, Cloud.AWS,
            "us-east-1", "BUSINESS-4", "orders.example", "v1", 2);

    @Test
    void acceptedThenReadyShowsTheServingInstance() {
        InstanceView view = fold(ACCEPTED, new InstanceFact.NodeRequested("n1", NodeRole.PRIMARY, "a"),
                new InstanceFact.Ready("orders.example", 5432, true, 100, List.of("0.0.0.0/0"),
                        List.of(new InstanceView.NodeView("n1", NodeRole.PRIMARY, "a", "h1", "10.0.0.1")), null, "v1", null));
        assertThat(view.status()).isEqualTo(InstanceView.Status.READY);
        assertThat(view.access().endpointAddress()).as("the simulator: resolve the service host").isNull();
        assertThat(view.access().connectionLimit()).isEqualTo(100);
        assertThat(view.nodes()).extracting(InstanceView.NodeView::ip).containsExactly("10.0.0.1");
        assertThat(view.updatedAt()).isEqualTo(Instant.ofEpochSecond(2));
    }

    @Test
    void aTrialThatEndsIsSuspendedAndResumes() {
        InstanceView suspended = fold(ACCEPTED, new InstanceFact.NodeRequested("n1", NodeRole.PRIMARY, "a"),
                new InstanceFact.NodeRequested("n2", NodeRole.STANDBY, "b"), new InstanceFact.Suspended(),
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
        InstanceFact[] facts = {ACCEPTED, new InstanceFact.NodeRequested("n1", NodeRole.PRIMARY, "a"),
                new InstanceFact.AllowlistChanged(List.of("10.0.0.0/8")), new InstanceFact.PlanChanged("PREMIUM-8", 3,
                200, "v2"), new InstanceFact.Deleted()};
        InstanceView once = fold(facts);
        assertThat(fold(facts)).isEqualTo(once);
        assertThat(once.status()).isEqualTo(InstanceView.Status.DELETED);
        assertThat(once.offering().plan()).isEqualTo("PREMIUM-8");
        assertThat(once.access().allowlist()).containsExactly("10.0.0.0/8");
        assertThat(projection.apply(once, ACCEPTED, at(9))).isSameAs(once);
    }

    private static final InstanceFact READY_ON_ENDPOINT = new InstanceFact.Ready("orders.example", 6432, true, 100,
            List.of("127.0.0.0/24"), List.of(new InstanceView.NodeView("n1", NodeRole.PRIMARY, "a", "localhost",
                    "127.0.0.1:7001"), new InstanceView.NodeView("n2", NodeRole.STANDBY, "b", "localhost", "127.0.0.1:7002")),
            null, "v1", "127.0.0.1");

    @Test
    void aLocalDataPlanesEndpointIsShownWithTheInstance() {
        InstanceView view = fold(ACCEPTED, READY_ON_ENDPOINT);
        assertThat(view.access().endpointAddress()).isEqualTo("127.0.0.1");
        assertThat(view.access().port()).isEqualTo(6432);
    }

    @Test
    void anInstanceTheDataPlaneCouldNotRunIsFailedWithTheReason() {
        InstanceView view = fold(ACCEPTED, new InstanceFact.NodeRequested("n1", NodeRole.PRIMARY, "a"),
                new InstanceFact.Failed("n1", "node n1 could not be started (attempt 3 of 3): initdb failed"));
        assertThat(view.status()).isEqualTo(InstanceView.Status.FAILED);
        assertThat(view.failureReason()).endsWith("initdb failed");
        assertThat(projection.apply(view, new InstanceFact.Deleted(), at(9)).status())
                .isEqualTo(InstanceView.Status.DELETED);
    }

    @Test
    void aPlannedSwitchoverIsShownLikeAFailoverAndTheOldPrimaryStaysAStandby() {
        InstanceView started = fold(ACCEPTED, READY_ON_ENDPOINT,
                new InstanceFact.FailoverStarted("i-1/switchover-1", FailoverKind.SWITCHOVER, "n1", Instant.ofEpochSecond(2)));
        assertThat(started.failover().kind()).isEqualTo(FailoverKind.SWITCHOVER);
        assertThat(started.failover().state()).isEqualTo(Progress.IN_PROGRESS);
        InstanceView promoted = projection.apply(started, new InstanceFact.Promoted("n2", "i-1/switchover-1"),
                at(3));
        assertThat(promoted.nodes()).extracting(n -> n.nodeId() + " " + n.role())
                .containsExactly("n1 STANDBY", "n2 PRIMARY");
        InstanceView done = projection.apply(promoted, new InstanceFact.FailoverCompleted("i-1/switchover-1", "n2",
                Instant.ofEpochSecond(4), 0, 600, 700, 0, null, "planned switchover from n1: nothing lost"), at(4));
        assertThat(done.failover()).satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FailoverKind.SWITCHOVER);
            assertThat(f.state()).isEqualTo(Progress.COMPLETED);
            assertThat(f.outcome().unavailableMillis()).isEqualTo(700);
            assertThat(f.note()).contains("nothing lost");
        });

        InstanceView aborted = projection.apply(started, new InstanceFact.SwitchoverAborted("i-1/switchover-1",
                "the data plane did not prepare it within 30 s"), at(5));
        assertThat(aborted.failover().state()).isEqualTo(Progress.ABORTED);
        assertThat(aborted.failover().note()).contains("30 s");
        assertThat(projection.apply(started, new InstanceFact.SwitchoverAborted("other", "x"), at(5)))
                .as("not the last one").isSameAs(started);
    }

    @Test
    void aFailoversLostPrimaryRejoinsItsReplacementIsCancelledAndTheMeasuredLossIsShown() {
        InstanceView failedOver = fold(ACCEPTED, READY_ON_ENDPOINT,
                new InstanceFact.FailoverStarted("f-1", FailoverKind.PROMOTION, "n1", Instant.ofEpochSecond(2)),
                new InstanceFact.Promoted("n2", "f-1"),
                new InstanceFact.FailoverCompleted("f-1", "n2", Instant.ofEpochSecond(4), 1_000, 200, 1_200, 300, null,
                        ""),
                new InstanceFact.NodeRequested("i-1-r1", NodeRole.STANDBY, "a"));
        assertThat(failedOver.nodes()).extracting(n -> n.nodeId() + " " + n.role())
                .containsExactly("n1 LOST", "n2 PRIMARY", "i-1-r1 STANDBY");
        InstanceView rejoined = projection.apply(projection.apply(failedOver,
                new InstanceFact.NodeRejoined("n1", "a", "127.0.0.1:7001"), at(8)),
                new InstanceFact.ReplacementCancelled("i-1-r1"), at(8));
        assertThat(rejoined.nodes()).extracting(n -> n.nodeId() + " " + n.role())
                .containsExactly("n1 STANDBY", "n2 PRIMARY");
        InstanceView measured = projection.apply(rejoined, new InstanceFact.DataLossMeasured("f-1", 420), at(9));
        assertThat(measured.failover().outcome().measuredDataLossBytes()).isEqualTo(420);
        assertThat(measured.failover().outcome().dataLossBytes()).as("the estimate stays beside it").isEqualTo(300);
    }

    @Test
    void theUpdateTimeIsTheLatestEventTimeWhateverOrderTheTopicsWereReadIn() {
        InstanceView accepted = projection.apply(null, ACCEPTED, at(1));
        InstanceFact failover = new InstanceFact.FailoverStarted("f-1", FailoverKind.PROMOTION, "n1", Instant.ofEpochSecond(4));
        InstanceFact allowlist = new InstanceFact.AllowlistChanged(List.of("10.0.0.0/8"));
        InstanceView failoverFirst = projection.apply(projection.apply(accepted, failover, at(5)), allowlist, at(3));
        InstanceView allowlistFirst = projection.apply(projection.apply(accepted, allowlist, at(3)), failover, at(5));
        assertThat(failoverFirst).isEqualTo(allowlistFirst);
        assertThat(failoverFirst.updatedAt()).isEqualTo(Instant.ofEpochSecond(5));
    }

    /**
     * Every fact the view learns has its rule: Java 17 cannot check the fold's chain is exhaustive, so
     * this sample of each member of {@link InstanceFact} does (a new member fails here until it has a
     * sample, and then throws in the fold until it has a rule).
     */
    @Test
    void everyFactHasARule() {
        Instant t = Instant.ofEpochSecond(50);
        List<InstanceFact> samples = List.of(ACCEPTED, new InstanceFact.NodeRequested("n1", NodeRole.PRIMARY, "a"),
                new InstanceFact.Ready("orders.example", 5432, true, 100, List.of(), List.of(), null, "v1", null),
                new InstanceFact.Failed("n1", "no server"), new InstanceFact.PlanChanged("PREMIUM-4", 3, 200, "v2"),
                new InstanceFact.AllowlistChanged(List.of("10.0.0.0/8")), new InstanceFact.Deleted(),
                new InstanceFact.Suspended(), new InstanceFact.Resumed(),
                new InstanceFact.RestoreWindow(new InstanceView.BackupWindow(t, t, 7, 1)),
                new InstanceFact.NodeDecommissioned("n2"),
                new InstanceFact.FailoverStarted("f-1", FailoverKind.PROMOTION, "n1", t),
                new InstanceFact.Promoted("n2", "f-1"),
                new InstanceFact.FailoverCompleted("f-1", "n2", t, 1, 2, 3, 0, null, null),
                new InstanceFact.SwitchoverAborted("f-2", "busy"), new InstanceFact.NodeRejoined("n1", "a", null),
                new InstanceFact.ReplacementCancelled("n3"), new InstanceFact.DataLossMeasured("f-1", 0));

        assertThat(samples.stream().<Class<?>>map(Object::getClass).collect(Collectors.toSet()))
                .as("a sample of each fact").isEqualTo(Set.of(InstanceFact.class.getPermittedSubclasses()));
        InstanceView accepted = fold(ACCEPTED);
        for (InstanceFact fact : samples) {
            assertThat(projection.apply(accepted, fact, at(60))).as("%s", fact).isNotNull();
        }
    }
}
