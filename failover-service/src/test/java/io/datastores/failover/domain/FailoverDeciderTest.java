package io.datastores.failover.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.datastores.failover.domain.FailoverCommand.CheckTime;
import io.datastores.failover.domain.FailoverCommand.ConfirmLoss;
import io.datastores.failover.domain.FailoverCommand.Diagnose;
import io.datastores.failover.domain.FailoverCommand.DismissSuspicion;
import io.datastores.failover.domain.FailoverCommand.ExpectNode;
import io.datastores.failover.domain.FailoverCommand.Heartbeat;
import io.datastores.failover.domain.FailoverCommand.NodeUp;
import io.datastores.failover.domain.FailoverCommand.PlannedNode;
import io.datastores.failover.domain.FailoverCommand.RecordNodes;
import io.datastores.failover.domain.FailoverCommand.RecordRestorePoint;
import io.datastores.failover.domain.FailoverCommand.ReportFailure;
import io.datastores.failover.domain.FailoverCommand.RequestSwitchover;
import io.datastores.failover.domain.FailoverCommand.RestoreDone;
import io.datastores.failover.domain.FailoverCommand.Track;
import io.datastores.failover.domain.FailoverEvent.Blocked;
import io.datastores.failover.domain.FailoverEvent.Completed;
import io.datastores.failover.domain.FailoverEvent.DataLossMeasured;
import io.datastores.failover.domain.FailoverEvent.EndpointMoved;
import io.datastores.failover.domain.FailoverEvent.Fenced;
import io.datastores.failover.domain.FailoverEvent.Ignored;
import io.datastores.failover.domain.FailoverEvent.Lost;
import io.datastores.failover.domain.FailoverEvent.NodeRejoined;
import io.datastores.failover.domain.FailoverEvent.Promoted;
import io.datastores.failover.domain.FailoverEvent.Recovered;
import io.datastores.failover.domain.FailoverEvent.RegionNodes;
import io.datastores.failover.domain.FailoverEvent.ReplacementCancelled;
import io.datastores.failover.domain.FailoverEvent.ReplacementRequested;
import io.datastores.failover.domain.FailoverEvent.RestartRequested;
import io.datastores.failover.domain.FailoverEvent.RestoreRequested;
import io.datastores.failover.domain.FailoverEvent.Started;
import io.datastores.failover.domain.FailoverEvent.Suspected;
import io.datastores.failover.domain.FailoverEvent.SwitchoverAborted;
import io.datastores.failover.domain.FailoverEvent.SwitchoverRejected;
import io.datastores.failover.domain.FailoverEvent.SwitchoverStarted;
import io.datastores.failover.domain.InstanceHealth.Status;

class FailoverDeciderTest {

    static final Instant T = Instant.parse("2026-11-22T10:00:00Z");
    static final String ID = "i-1";
    static final String REGION = "AWS:eu-west-1";

    private final FailoverPolicy policy = FailoverPolicy.defaults();
    private final FailoverDecider decider = new FailoverDecider(policy);

    /** A history: applies each command at its time, keeps the state. */
    private final class World {
        InstanceHealth state = decider.initialState();
        final List<FailoverEvent> all = new ArrayList<>();

        List<FailoverEvent> at(Instant at, FailoverCommand c) {
            List<FailoverEvent> events = decider.decide(c, state, at);
            state = decider.fold(state, events);
            all.addAll(events);
            return events;
        }

        List<FailoverEvent> at(long seconds, FailoverCommand c) {
            return at(T.plusSeconds(seconds), c);
        }

        List<FailoverEvent> beat(long seconds, String node, Role role, long position, long epoch) {
            return at(seconds, new Heartbeat(ID, node, role, position, epoch));
        }

        /** The shell finds due instances by {@code next}: time owes nothing before it, and from it on. */
        void timerIsMonotone() {
            io.datastores.kit.decider.Timer<FailoverCommand, InstanceHealth> timer = decider::due;
            timer.next(ID, state).ifPresent(next -> {
                assertThat(decider.due(ID, state, next.minusMillis(1))).isEmpty();
                assertThat(decider.due(ID, state, next).orElseThrow().at()).isEqualTo(next);
                assertThat(decider.due(ID, state, next.plusSeconds(3600)).orElseThrow().at()).isEqualTo(next);
            });
        }

        /** What time owes the instance by {@code seconds}, decided at its due moments. */
        List<FailoverEvent> timeUntil(long seconds) {
            List<FailoverEvent> events = new ArrayList<>();
            while (true) {
                timerIsMonotone();
                var due = decider.due(ID, state, T.plusSeconds(seconds));
                if (due.isEmpty()) {
                    return events;
                }
                List<FailoverEvent> decided = at(due.get().at(), due.get().command());
                if (decided.isEmpty()) {
                    return events;
                }
                events.addAll(decided);
            }
        }
    }

    private World instance(String plan, int nodes) {
        World w = new World();
        w.at(0, new Track(ID, REGION, plan, Tier.valueOf(plan.split("-")[0]), nodes,
                "db-1.eu-west-1.aws.example"));
        List<PlannedNode> planned = new ArrayList<>();
        String[] zones = {"a", "b", "c"};
        for (int i = 1; i <= nodes; i++) {
            planned.add(new PlannedNode("n" + i, i == 1 ? Role.PRIMARY : Role.STANDBY, zones[i - 1], "10.0.0." + i));
        }
        w.at(0, new RecordNodes(ID, planned));
        return w;
    }

    private static <E> List<E> only(List<FailoverEvent> events, Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Nested
    @DisplayName("primary lost with standbys")
    class Promotion {

        @Test
        void givenBusinessPrimaryLost_whenStandbyHealthy_thenPromotesItMovesEndpointAndReplaces() {
            World w = instance("BUSINESS-4", 2);
            w.beat(1, "n1", Role.PRIMARY, 5_000, 1);
            w.beat(1, "n2", Role.STANDBY, 4_900, 1);

            List<FailoverEvent> out = w.at(2, new Diagnose(ID, "n1", Severity.SEVERE, "disk gone"));

            assertThat(only(out, Lost.class)).singleElement()
                    .satisfies(l -> assertThat(l.detectedBy()).isEqualTo(DetectionSource.DIAGNOSTICS));
            assertThat(only(out, Started.class)).singleElement()
                    .satisfies(s -> assertThat(s.kind()).isEqualTo(FailoverKind.PROMOTION));
            Promoted p = only(out, Promoted.class).get(0);
            assertThat(p.nodeId()).isEqualTo("n2");
            assertThat(p.epoch()).isEqualTo(2);
            assertThat(p.lagBytes()).isEqualTo(100);
            assertThat(only(out, EndpointMoved.class)).singleElement().satisfies(m -> {
                assertThat(m.serviceHost()).isEqualTo("db-1.eu-west-1.aws.example");
                assertThat(m.fromIp()).isEqualTo("10.0.0.1");
                assertThat(m.toIp()).isEqualTo("10.0.0.2");
            });
            assertThat(only(out, ReplacementRequested.class)).singleElement().satisfies(r -> {
                assertThat(r.replacesNodeId()).isEqualTo("n1");
                assertThat(r.role()).isEqualTo(Role.STANDBY);
                assertThat(r.zone()).isEqualTo("a");
                assertThat(r.epoch()).isEqualTo(2);
            });
            assertThat(w.state.primary()).get().extracting(InstanceHealth.Node::nodeId).isEqualTo("n2");
        }

        @Test
        void givenPromoted_whenNewPrimaryReportsAtNewEpoch_thenCompletedWithTimings() {
            World w = instance("BUSINESS-4", 2);
            w.beat(1, "n1", Role.PRIMARY, 5_000, 1);
            w.beat(1, "n2", Role.STANDBY, 5_000, 1);
            w.at(3, new ReportFailure(ID, "n1", "hypervisor lost", 1));

            assertThat(w.beat(4, "n2", Role.STANDBY, 5_000, 1)).noneMatch(Completed.class::isInstance);
            Completed c = only(w.beat(5, "n2", Role.PRIMARY, 5_010, 2), Completed.class).get(0);

            assertThat(c.detectionMillis()).isEqualTo(2_000); // last heartbeat at 1 s, reported at 3 s
            assertThat(c.promotionMillis()).isEqualTo(2_000); // reported at 3 s, serving at 5 s
            assertThat(c.unavailableMillis()).isEqualTo(4_000);
            assertThat(c.epoch()).isEqualTo(2);
            assertThat(c.dataLossBytes()).isZero();
            assertThat(w.state.active()).isNull();
            assertThat(w.state.history()).singleElement().satisfies(f -> {
                assertThat(f.state()).isEqualTo(FailoverState.COMPLETED);
                assertThat(f.phases()).extracting(p -> p.name().name()).containsExactly("STARTED", "PROMOTED",
                        "ENDPOINT_MOVED", "REPLACEMENT_REQUESTED", "COMPLETED");
            });
        }

        @Test
        void givenPremiumPrimaryLost_thenMostAdvancedStandbyIsPromoted() {
            World w = instance("PREMIUM-8", 3);
            w.beat(1, "n1", Role.PRIMARY, 9_000, 1);
            w.beat(1, "n2", Role.STANDBY, 8_700, 1);
            w.beat(1, "n3", Role.STANDBY, 8_950, 1);

            List<FailoverEvent> out = w.at(2, new Diagnose(ID, "n1", Severity.SEVERE, "kernel panic"));

            assertThat(only(out, Promoted.class)).singleElement().satisfies(p -> {
                assertThat(p.nodeId()).isEqualTo("n3");
                assertThat(p.lagBytes()).isEqualTo(50);
            });
        }

        @Test
        void givenEqualPositions_thenZoneAwayFromFailedPrimaryThenSmallerIdWins() {
            World w = new World();
            w.at(0, new Track(ID, REGION, "PREMIUM-8", Tier.PREMIUM, 3, "h"));
            w.at(0, new RecordNodes(ID, List.of(new PlannedNode("n1", Role.PRIMARY, "a", "10.0.0.1"),
                    new PlannedNode("n2", Role.STANDBY, "a", "10.0.0.2"),
                    new PlannedNode("n3", Role.STANDBY, "b", "10.0.0.3"))));
            w.beat(1, "n2", Role.STANDBY, 700, 1);
            w.beat(1, "n3", Role.STANDBY, 700, 1);

            List<FailoverEvent> out = w.at(2, new ReportFailure(ID, "n1", "lost", 0));

            assertThat(only(out, Promoted.class).get(0).nodeId()).isEqualTo("n3");
        }
    }

    @Nested
    @DisplayName("standbys behind the lag budget")
    class Lagging {

        private World lagging() {
            World w = instance("PREMIUM-8", 3);
            w.beat(1, "n1", Role.PRIMARY, 10 * FailoverPolicy.ONE_MIB, 1);
            w.beat(1, "n2", Role.STANDBY, 7 * FailoverPolicy.ONE_MIB, 1);
            w.beat(1, "n3", Role.STANDBY, 8 * FailoverPolicy.ONE_MIB, 1);
            return w;
        }

        @Test
        void givenNoStandbyWithinBudget_thenBlockedWithReasonAndNoPromotion() {
            World w = lagging();
            List<FailoverEvent> out = w.at(2, new Diagnose(ID, "n1", Severity.SEVERE, "gone"));

            assertThat(out).noneMatch(Promoted.class::isInstance);
            Blocked b = only(out, Blocked.class).get(0);
            assertThat(b.reason()).contains("lag budget of 1048576 bytes").contains("n3 is 2097152 bytes behind")
                    .contains("n2 is 3145728 bytes behind");
            assertThat(b.waitUntil()).isEqualTo(T.plusSeconds(32));
        }

        @Test
        void givenBlocked_whenAStandbyCatchesUp_thenItIsPromoted() {
            World w = lagging();
            w.at(2, new Diagnose(ID, "n1", Severity.SEVERE, "gone"));

            List<FailoverEvent> out = w.beat(4, "n2", Role.STANDBY, 10 * FailoverPolicy.ONE_MIB - 10, 1);

            assertThat(only(out, Promoted.class)).singleElement()
                    .satisfies(p -> assertThat(p.nodeId()).isEqualTo("n2"));
        }

        @Test
        void givenBlocked_whenWaitIsOver_thenMostAdvancedIsPromotedWithTheLossReported() {
            World w = lagging();
            w.at(2, new RecordRestorePoint(ID, T, 1_000, "b-1"));
            w.at(2, new Diagnose(ID, "n1", Severity.SEVERE, "gone"));
            w.beat(10, "n2", Role.STANDBY, 7 * FailoverPolicy.ONE_MIB, 1);
            w.beat(10, "n3", Role.STANDBY, 8 * FailoverPolicy.ONE_MIB, 1);
            w.beat(20, "n2", Role.STANDBY, 7 * FailoverPolicy.ONE_MIB, 1);
            w.beat(20, "n3", Role.STANDBY, 8 * FailoverPolicy.ONE_MIB, 1);
            w.beat(30, "n2", Role.STANDBY, 7 * FailoverPolicy.ONE_MIB, 1);
            w.beat(30, "n3", Role.STANDBY, 8 * FailoverPolicy.ONE_MIB, 1);

            List<FailoverEvent> out = w.timeUntil(32);

            Promoted p = only(out, Promoted.class).get(0);
            assertThat(p.nodeId()).isEqualTo("n3");
            assertThat(p.lagBytes()).isEqualTo(2 * FailoverPolicy.ONE_MIB);
            Completed c = only(w.beat(33, "n3", Role.PRIMARY, 8 * FailoverPolicy.ONE_MIB, 2), Completed.class).get(0);
            assertThat(c.dataLossBytes()).isEqualTo(2 * FailoverPolicy.ONE_MIB);
            assertThat(c.note()).contains("2097152 bytes behind");
        }

        @Test
        void givenNoStandbyAtAll_whenWaitIsOver_thenRestoresFromBackupNeverLeavingNoPrimary() {
            World w = instance("BUSINESS-4", 2);
            w.at(1, new RecordRestorePoint(ID, T, 1_000, "b-1"));
            w.beat(1, "n1", Role.PRIMARY, 5_000, 1);
            w.beat(1, "n2", Role.STANDBY, 5_000, 1);
            w.at(2, new Diagnose(ID, "n2", Severity.SEVERE, "standby gone"));

            List<FailoverEvent> first = w.at(3, new Diagnose(ID, "n1", Severity.SEVERE, "primary gone"));
            assertThat(only(first, Blocked.class).get(0).reason()).contains("no healthy standby");

            List<FailoverEvent> out = w.timeUntil(40);
            assertThat(only(out, RestoreRequested.class)).singleElement().satisfies(r -> {
                assertThat(r.backupId()).isEqualTo("b-1");
                assertThat(r.targetPosition()).isEqualTo(1_000L);
                assertThat(r.epoch()).isEqualTo(2);
            });
            assertThat(only(out, ReplacementRequested.class)).singleElement()
                    .satisfies(r -> assertThat(r.role()).isEqualTo(Role.PRIMARY));
        }
    }

    @Nested
    @DisplayName("other losses")
    class OtherLosses {

        @Test
        void givenStandbyLost_thenReplacementOnlyNoFailover() {
            World w = instance("PREMIUM-8", 3);
            List<FailoverEvent> out = w.at(2, new ReportFailure(ID, "n2", "instance retired by the cloud", 0));

            assertThat(only(out, ReplacementRequested.class)).singleElement().satisfies(r -> {
                assertThat(r.replacesNodeId()).isEqualTo("n2");
                assertThat(r.role()).isEqualTo(Role.STANDBY);
                assertThat(r.failoverId()).isNull();
                assertThat(r.epoch()).isEqualTo(1);
            });
            assertThat(out).noneMatch(e -> e instanceof Started || e instanceof Promoted);
            assertThat(w.state.epoch()).isEqualTo(1);
        }

        @Test
        void givenMinorDiagnostics_thenRestartInPlaceUntilTheyRepeat() {
            World w = instance("BUSINESS-4", 2);
            List<FailoverEvent> first = w.at(10, new Diagnose(ID, "n1", Severity.MINOR, "process crashed"));
            assertThat(first).hasAtLeastOneElementOfType(RestartRequested.class)
                    .noneMatch(e -> e instanceof Lost || e instanceof Started || e instanceof ReplacementRequested);
            w.at(20, new Diagnose(ID, "n1", Severity.MINOR, "process crashed"));

            List<FailoverEvent> third = w.at(30, new Diagnose(ID, "n1", Severity.MINOR, "process crashed"));
            assertThat(only(third, Lost.class).get(0).reason()).contains("3 minor failures within 15 min");
            assertThat(third).hasAtLeastOneElementOfType(Started.class);
        }

        @Test
        void givenMinorFailuresFarApart_thenEachIsARestart() {
            World w = instance("BUSINESS-4", 2);
            w.at(0, new Diagnose(ID, "n1", Severity.MINOR, "x"));
            w.at(Duration.ofMinutes(20).toSeconds(), new Diagnose(ID, "n1", Severity.MINOR, "x"));
            List<FailoverEvent> out = w.at(Duration.ofMinutes(40).toSeconds(), new Diagnose(ID, "n1", Severity.MINOR, "x"));
            assertThat(out).hasAtLeastOneElementOfType(RestartRequested.class).noneMatch(Lost.class::isInstance);
        }
    }

    @Nested
    @DisplayName("exactly once and fencing")
    class Fencing {

        @Test
        void givenDuplicatedNodeFailed_thenOneFailoverAndTheRepeatIgnoredWithReason() {
            World w = instance("BUSINESS-4", 2);
            w.at(2, new ReportFailure(ID, "n1", "lost", 1));
            List<FailoverEvent> repeat = w.at(3, new ReportFailure(ID, "n1", "lost", 1));

            assertThat(only(w.all, Started.class)).hasSize(1);
            assertThat(repeat).singleElement().isInstanceOfSatisfying(Ignored.class,
                    i -> assertThat(i.reason()).contains("already lost"));
        }

        @Test
        void givenReportCarryingAnOlderEpoch_thenIgnoredWithReason() {
            World w = instance("PREMIUM-8", 3);
            w.at(2, new ReportFailure(ID, "n1", "lost", 1));
            List<FailoverEvent> out = w.at(3, new ReportFailure(ID, "n3", "lost (stale monitor)", 1));

            assertThat(out).singleElement().isInstanceOfSatisfying(Ignored.class,
                    i -> assertThat(i.reason()).contains("epoch 1").contains("epoch 2"));
        }

        @Test
        void givenStalePrimaryReturns_thenFencedOnceAndPrimaryUnchanged() {
            World w = instance("BUSINESS-4", 2);
            w.beat(1, "n1", Role.PRIMARY, 100, 1);
            w.beat(1, "n2", Role.STANDBY, 100, 1);
            w.at(2, new ReportFailure(ID, "n1", "unreachable", 1));
            w.beat(3, "n2", Role.PRIMARY, 100, 2);

            List<FailoverEvent> back = w.beat(10, "n1", Role.PRIMARY, 150, 1);
            assertThat(back).singleElement().isInstanceOfSatisfying(Fenced.class, f -> {
                assertThat(f.nodeEpoch()).isEqualTo(1);
                assertThat(f.currentEpoch()).isEqualTo(2);
            });
            assertThat(w.beat(12, "n1", Role.PRIMARY, 160, 1)).isEmpty();
            assertThat(w.state.primary()).get().extracting(InstanceHealth.Node::nodeId).isEqualTo("n2");
        }

        @Test
        void givenStandbyClaimingPrimary_thenFencedAndRebuilt() {
            World w = instance("PREMIUM-8", 3);
            List<FailoverEvent> out = w.beat(1, "n3", Role.PRIMARY, 100, 1);
            assertThat(out).hasAtLeastOneElementOfType(Fenced.class);
            assertThat(only(out, ReplacementRequested.class)).singleElement()
                    .satisfies(r -> assertThat(r.replacesNodeId()).isEqualTo("n3"));
        }

        @Test
        void givenTwoFailuresCloseTogetherInPremium_thenOneDecisionAtATimeAndNeverTwoPrimaries() {
            World w = instance("PREMIUM-8", 3);
            w.beat(1, "n1", Role.PRIMARY, 1_000, 1);
            w.beat(1, "n2", Role.STANDBY, 990, 1);
            w.beat(1, "n3", Role.STANDBY, 980, 1);

            w.at(2, new ReportFailure(ID, "n1", "lost", 1));
            assertThat(w.state.primary()).get().extracting(InstanceHealth.Node::nodeId).isEqualTo("n2");
            List<FailoverEvent> second = w.at(2, new ReportFailure(ID, "n2", "lost too", 0));

            assertThat(only(second, Promoted.class)).singleElement().satisfies(p -> {
                assertThat(p.nodeId()).isEqualTo("n3");
                assertThat(p.epoch()).isEqualTo(3);
            });
            assertThat(w.state.nodes().stream().filter(n -> n.role() == Role.PRIMARY
                    && (n.status() == Status.HEALTHY || n.status() == Status.SUSPECTED))).hasSize(1);
            assertThat(w.state.history()).singleElement()
                    .satisfies(f -> assertThat(f.state()).isEqualTo(FailoverState.SUPERSEDED));
        }
    }

    @Nested
    @DisplayName("single-node plans")
    class SingleNode {

        @Test
        void givenOnlyNodeLost_thenRestoresFromLatestBackupAndReportsTheExactWindows() {
            World w = instance("STARTUP-2", 1);
            Instant archived = T.plusSeconds(50);
            w.at(55, new RecordRestorePoint(ID, archived, 42_000, "b-7"));
            w.beat(58, "n1", Role.PRIMARY, 43_000, 1);

            List<FailoverEvent> out = w.at(60, new Diagnose(ID, "n1", Severity.SEVERE, "volume corrupted"));
            assertThat(only(out, Started.class).get(0).kind()).isEqualTo(FailoverKind.RESTORE);
            ReplacementRequested r = only(out, ReplacementRequested.class).get(0);
            assertThat(r.role()).isEqualTo(Role.PRIMARY);
            assertThat(only(out, RestoreRequested.class)).singleElement().satisfies(x -> {
                assertThat(x.nodeId()).isEqualTo(r.nodeId());
                assertThat(x.backupId()).isEqualTo("b-7");
                assertThat(x.targetPosition()).isEqualTo(42_000L);
                assertThat(x.restorePointAt()).isEqualTo(archived);
            });

            w.at(70, new NodeUp(ID, r.nodeId(), "10.0.0.9", "a"));
            List<FailoverEvent> done = w.at(95, new RestoreDone(ID, r.nodeId(), "b-7", 42_000, T.plusSeconds(95)));
            assertThat(only(done, EndpointMoved.class).get(0).toIp()).isEqualTo("10.0.0.9");
            Completed c = only(done, Completed.class).get(0);
            assertThat(c.kind()).isEqualTo(FailoverKind.RESTORE);
            assertThat(c.unavailableMillis()).isEqualTo(37_000); // last heartbeat 58 s to serving 95 s
            assertThat(c.dataLossWindowMillis()).isEqualTo(8_000); // 58 s minus the archived point at 50 s
            assertThat(c.note()).contains("lost");
        }

        @Test
        void givenRestoreDoneForAnotherNode_thenIgnoredWithReason() {
            World w = instance("STARTUP-2", 1);
            assertThat(w.at(5, new RestoreDone(ID, "x", "b", 1, T))).singleElement()
                    .isInstanceOf(Ignored.class);
        }
    }

    @Nested
    @DisplayName("nodes provisioning asked for, before they are ready")
    class ExpectedNodes {

        /** An instance accepted and its nodes asked for, with nothing yet from them or InstanceReady. */
        private World asked(String plan, int nodes) {
            World w = new World();
            w.at(0, new Track(ID, REGION, plan, Tier.valueOf(plan.split("-")[0]), nodes,
                    "db-1.eu-west-1.aws.example"));
            String[] zones = {"a", "b", "c"};
            for (int i = 1; i <= nodes; i++) {
                w.at(0, new ExpectNode(ID, "n" + i, i == 1 ? Role.PRIMARY : Role.STANDBY, zones[i - 1]));
            }
            return w;
        }

        @Test
        void givenAskedFor_thenKnownInRoleAndZoneButNotWatched() {
            World w = asked("BUSINESS-4", 2);

            assertThat(w.state.nodes()).extracting(InstanceHealth.Node::nodeId, InstanceHealth.Node::role,
                    InstanceHealth.Node::zone, InstanceHealth.Node::status).containsExactly(
                            org.assertj.core.api.Assertions.tuple("n1", Role.PRIMARY, "a", Status.PENDING),
                            org.assertj.core.api.Assertions.tuple("n2", Role.STANDBY, "b", Status.PENDING));
            assertThat(only(w.all, RegionNodes.class)).isEmpty();
            assertThat(w.timeUntil(600)).isEmpty(); // no silence counts before a node is up
            assertThat(w.at(1, new ExpectNode(ID, "n1", Role.PRIMARY, "a"))).isEmpty(); // asked again
        }

        @Test
        void givenReady_thenWatchedFromThenAsANodeFirstKnownThere() {
            World asked = asked("BUSINESS-4", 2);
            World direct = new World();
            direct.at(0, new Track(ID, REGION, "BUSINESS-4", Tier.BUSINESS, 2, "db-1.eu-west-1.aws.example"));
            List<PlannedNode> ready = List.of(new PlannedNode("n1", Role.PRIMARY, "a", "10.0.0.1"),
                    new PlannedNode("n2", Role.STANDBY, "b", "10.0.0.2"));

            List<FailoverEvent> out = asked.at(3, new RecordNodes(ID, ready));
            direct.at(3, new RecordNodes(ID, ready));

            assertThat(only(out, RegionNodes.class)).extracting(RegionNodes::delta).containsExactly(2);
            assertThat(asked.state.nodes()).isEqualTo(direct.state.nodes());
            assertThat(only(asked.timeUntil(9), Suspected.class)).extracting(Suspected::nodeId)
                    .containsExactly("n1", "n2");
        }

        @Test
        void givenPrimarySevereBeforeReady_thenLostAndFailedOver() {
            World w = asked("BUSINESS-4", 2);
            w.beat(1, "n2", Role.STANDBY, 100, 1);

            List<FailoverEvent> out = w.at(2, new Diagnose(ID, "n1", Severity.SEVERE, "data directory unreadable"));

            assertThat(only(out, Lost.class)).singleElement().satisfies(l -> {
                assertThat(l.nodeId()).isEqualTo("n1");
                assertThat(l.detectedBy()).isEqualTo(DetectionSource.DIAGNOSTICS);
                assertThat(l.failedAt()).isEqualTo(T.plusSeconds(2));
            });
            assertThat(only(out, Started.class)).singleElement()
                    .satisfies(st -> assertThat(st.failedNodeId()).isEqualTo("n1"));
            assertThat(out).noneMatch(Ignored.class::isInstance);
        }

        @Test
        void givenFailureReportedBeforeReady_thenLost_butAReplacementNotYetUpIsStillIgnored() {
            World w = asked("PREMIUM-8", 3);

            List<FailoverEvent> out = w.at(2, new ReportFailure(ID, "n3", "instance retired by the cloud", 0));
            assertThat(only(out, Lost.class)).extracting(Lost::nodeId).containsExactly("n3");
            String replacement = only(out, ReplacementRequested.class).get(0).nodeId();

            List<FailoverEvent> again = w.at(3, new ReportFailure(ID, replacement, "lost", 0));
            assertThat(only(again, Ignored.class)).singleElement()
                    .satisfies(i -> assertThat(i.reason()).contains("a replacement not yet up"));
        }
    }

    @Nested
    @DisplayName("silence")
    class Silence {

        @Test
        void givenHeartbeatsStop_thenSuspectedAfterTimeoutNotBefore() {
            World w = instance("BUSINESS-4", 2);
            w.beat(1, "n1", Role.PRIMARY, 1, 1);
            w.beat(1, "n2", Role.STANDBY, 1, 1);
            w.beat(5, "n2", Role.STANDBY, 1, 1);

            assertThat(w.timeUntil(6)).isEmpty();
            List<FailoverEvent> out = w.timeUntil(7);
            assertThat(out).singleElement().isInstanceOfSatisfying(Suspected.class, s -> {
                assertThat(s.nodeId()).isEqualTo("n1");
                assertThat(s.region()).isEqualTo(REGION);
                assertThat(s.silentMillis()).isEqualTo(6_000);
            });
            assertThat(out).noneMatch(e -> e instanceof Lost || e instanceof Started);
        }

        @Test
        void givenSuspected_whenRegionConfirms_thenLostAndFailover() {
            World w = instance("BUSINESS-4", 2);
            w.beat(1, "n1", Role.PRIMARY, 1, 1);
            w.beat(6, "n2", Role.STANDBY, 1, 1);
            w.timeUntil(7);

            List<FailoverEvent> out = w.at(10, new ConfirmLoss(ID, "n1", "2 of 40 silent"));
            assertThat(only(out, Lost.class).get(0).detectedBy()).isEqualTo(DetectionSource.HEARTBEAT);
            assertThat(out).hasAtLeastOneElementOfType(Promoted.class);
        }

        @Test
        void givenSuspected_whenHeardAgain_thenRecoveredAndAConfirmationComingLateChangesNothing() {
            World w = instance("BUSINESS-4", 2);
            w.beat(1, "n1", Role.PRIMARY, 1, 1);
            w.beat(6, "n2", Role.STANDBY, 1, 1);
            w.timeUntil(7);

            assertThat(w.beat(8, "n1", Role.PRIMARY, 2, 1)).hasAtLeastOneElementOfType(Recovered.class);
            assertThat(w.at(9, new ConfirmLoss(ID, "n1", "late"))).isEmpty();
        }

        @Test
        void givenSuspicionDismissed_thenSilenceCountsAgainFromTheDismissal() {
            World w = instance("BUSINESS-4", 2);
            w.beat(1, "n1", Role.PRIMARY, 1, 1);
            w.beat(6, "n2", Role.STANDBY, 1, 1);
            w.timeUntil(7);
            w.at(20, new DismissSuspicion(ID, "n1", "monitoring outage"));
            w.beat(24, "n2", Role.STANDBY, 1, 1);

            assertThat(w.timeUntil(25)).isEmpty();
            assertThat(only(w.timeUntil(26), Suspected.class)).extracting(Suspected::nodeId).containsExactly("n1");
        }

        @Test
        void givenStandbyThatJustFlapped_thenNotACandidateUntilStable() {
            World w = instance("BUSINESS-4", 2);
            w.beat(1, "n1", Role.PRIMARY, 100, 1);
            w.beat(1, "n2", Role.STANDBY, 100, 1);
            w.beat(7, "n1", Role.PRIMARY, 100, 1);
            w.timeUntil(8); // n2 suspected
            w.beat(9, "n2", Role.STANDBY, 100, 1); // back, but only just

            List<FailoverEvent> out = w.at(10, new ReportFailure(ID, "n1", "lost", 0));
            assertThat(only(out, Blocked.class).get(0).reason()).contains("recovered only at");
            assertThat(only(w.beat(19, "n2", Role.STANDBY, 100, 1), Promoted.class)).hasSize(1);
        }

        @Test
        void watchedNodesAreCountedForTheRegion() {
            World w = instance("PREMIUM-8", 3);
            assertThat(only(w.all, RegionNodes.class)).extracting(RegionNodes::delta).containsExactly(3);
            List<FailoverEvent> out = w.at(2, new ReportFailure(ID, "n2", "lost", 0));
            assertThat(only(out, RegionNodes.class)).extracting(RegionNodes::delta).containsExactly(-1);
        }
    }

    /** A Premium instance whose nodes beat at {@code seconds}: n1 primary at 9,000, n2 at 8,700, n3 at 8,950. */
    private World premiumBeating(long seconds) {
        World w = instance("PREMIUM-8", 3);
        w.beat(seconds, "n1", Role.PRIMARY, 9_000, 1);
        w.beat(seconds, "n2", Role.STANDBY, 8_700, 1);
        w.beat(seconds, "n3", Role.STANDBY, 8_950, 1);
        return w;
    }

    private static RequestSwitchover switchover(String requestId, String target) {
        return new RequestSwitchover(ID, requestId, target, "alice", "kernel update");
    }

    private static String rejection(List<FailoverEvent> out) {
        assertThat(out).singleElement().isInstanceOf(SwitchoverRejected.class);
        return ((SwitchoverRejected) out.get(0)).reason();
    }

    @Nested
    @DisplayName("planned switchover")
    class PlannedSwitchover {

        @Test
        void givenAHealthyPremium_whenNoTargetIsNamed_thenItStartsToTheMostAdvancedStandby() {
            World w = premiumBeating(1);
            List<FailoverEvent> out = w.at(2, switchover("req-1", null));
            assertThat(out).singleElement().isInstanceOfSatisfying(SwitchoverStarted.class, s -> {
                assertThat(s.fromNodeId()).isEqualTo("n1");
                assertThat(s.toNodeId()).isEqualTo("n3");
                assertThat(s.epoch()).isEqualTo(1);
                assertThat(s.requestedBy()).isEqualTo("alice");
                assertThat(s.requestId()).isEqualTo("req-1");
                assertThat(s.timeoutAt()).isEqualTo(T.plusSeconds(32));
            });
            assertThat(w.state.active()).satisfies(f -> {
                assertThat(f.kind()).isEqualTo(FailoverKind.SWITCHOVER);
                assertThat(f.state()).isEqualTo(FailoverState.SWITCHING);
                assertThat(f.switchover().targetNodeId()).isEqualTo("n3");
                assertThat(f.phases()).extracting(p -> p.name().name()).containsExactly("SWITCHOVER_STARTED");
            });
            assertThat(w.at(3, switchover("req-1", null))).as("the same request again").isEmpty();
        }

        @Test
        void givenANamedStandby_thenItIsTheTargetWhateverItsLag() {
            World w = instance("PREMIUM-8", 3);
            w.beat(1, "n1", Role.PRIMARY, 90_000_000, 1);
            w.beat(1, "n2", Role.STANDBY, 100, 1);
            assertThat(w.at(2, switchover("req-1", "n2"))).singleElement()
                    .isInstanceOfSatisfying(SwitchoverStarted.class, s -> assertThat(s.toNodeId()).isEqualTo("n2"));
        }

        @Test
        void refusalsSayWhy() {
            World unknown = new World();
            assertThat(rejection(unknown.at(1, switchover("r", null)))).contains("unknown to failover-service");

            World single = instance("STARTUP-4", 1);
            assertThat(rejection(single.at(1, switchover("r", null)))).contains("single node");

            World named = premiumBeating(1);
            assertThat(rejection(named.at(2, switchover("r1", "n1")))).contains("n1 is not a healthy standby")
                    .contains("n1 primary healthy");
            assertThat(rejection(named.at(2, switchover("r2", "n9")))).contains("n9 is not a healthy standby");

            World lagging = instance("BUSINESS-4", 2);
            lagging.beat(1, "n1", Role.PRIMARY, 5 * FailoverPolicy.ONE_MIB, 1);
            lagging.beat(1, "n2", Role.STANDBY, 100, 1);
            assertThat(rejection(lagging.at(2, switchover("r", null)))).contains("lag budget")
                    .contains("n2 is " + (5 * FailoverPolicy.ONE_MIB - 100) + " bytes behind");

            World silentPrimary = premiumBeating(1);
            silentPrimary.beat(7, "n2", Role.STANDBY, 8_700, 1);
            silentPrimary.beat(7, "n3", Role.STANDBY, 8_950, 1);
            silentPrimary.timeUntil(8);
            assertThat(rejection(silentPrimary.at(8, switchover("r", null)))).contains("primary is not healthy")
                    .contains("n1 primary suspected");

            World failing = premiumBeating(1);
            failing.at(2, new ReportFailure(ID, "n2", "lost", 0));
            failing.at(3, new ReportFailure(ID, "n1", "lost", 0));
            assertThat(rejection(failing.at(4, switchover("r", null)))).contains("failover").contains("in progress");

            World twice = premiumBeating(1);
            twice.at(2, switchover("r1", null));
            assertThat(rejection(twice.at(3, switchover("r2", null)))).contains("switchover").contains("in progress");

            World deleted = premiumBeating(1);
            deleted.at(2, new FailoverCommand.Delete(ID));
            assertThat(rejection(deleted.at(3, switchover("r", null)))).contains("deleted");
        }

        @Test
        void givenPrepared_thenTheTargetIsPromotedWithNothingLostTheEndpointMovesAndNoReplacementIsAsked() {
            World w = premiumBeating(1);
            SwitchoverStarted started = only(w.at(2, switchover("req-1", null)), SwitchoverStarted.class).get(0);

            List<FailoverEvent> out = w.at(3, new FailoverCommand.SwitchoverPrepared(ID, started.switchoverId(), "n1",
                    "n3", 9_000));
            assertThat(only(out, Promoted.class)).singleElement().satisfies(p -> {
                assertThat(p.failoverId()).isEqualTo(started.switchoverId());
                assertThat(p.nodeId()).isEqualTo("n3");
                assertThat(p.epoch()).isEqualTo(2);
                assertThat(p.lagBytes()).isZero();
                assertThat(p.previousPrimary()).isEqualTo("n1");
                assertThat(p.position()).isEqualTo(9_000);
            });
            assertThat(only(out, EndpointMoved.class)).singleElement().satisfies(m -> {
                assertThat(m.fromIp()).isEqualTo("10.0.0.1");
                assertThat(m.toIp()).isEqualTo("10.0.0.3");
            });
            assertThat(out).noneMatch(e -> e instanceof ReplacementRequested || e instanceof Lost);
            assertThat(w.state.node("n1")).get().satisfies(n -> {
                assertThat(n.role()).isEqualTo(Role.STANDBY);
                assertThat(n.status()).isEqualTo(Status.HEALTHY);
            });

            assertThat(w.beat(4, "n1", Role.STANDBY, 9_000, 2)).as("the old primary follows").noneMatch(
                    e -> e instanceof Fenced || e instanceof Completed);
            Completed done = only(w.beat(5, "n3", Role.PRIMARY, 9_010, 2), Completed.class).get(0);
            assertThat(done.kind()).isEqualTo(FailoverKind.SWITCHOVER);
            assertThat(done.dataLossBytes()).isZero();
            assertThat(done.unavailableMillis()).as("from its start to the new primary's first beat").isEqualTo(3_000);
            assertThat(done.note()).contains("nothing lost");
            assertThat(w.state.history().get(0).phases()).extracting(p -> p.name().name()).containsExactly(
                    "SWITCHOVER_STARTED", "PROMOTED", "ENDPOINT_MOVED", "COMPLETED");
        }

        @Test
        void givenSwitching_thenTheOldPrimarysSilenceIsNoLossUntilItIsDoneThenItCountsAfresh() {
            World w = premiumBeating(1);
            SwitchoverStarted started = only(w.at(2, switchover("req-1", null)), SwitchoverStarted.class).get(0);
            for (long t = 3; t <= 11; t += 2) {
                w.beat(t, "n2", Role.STANDBY, 9_000, 1);
                w.beat(t, "n3", Role.STANDBY, 9_000, 1);
                assertThat(w.timeUntil(t)).noneMatch(Suspected.class::isInstance);
            }
            w.at(12, new FailoverCommand.SwitchoverPrepared(ID, started.switchoverId(), "n1", "n3", 9_000));
            w.beat(13, "n2", Role.STANDBY, 9_000, 2);
            assertThat(only(w.beat(13, "n3", Role.PRIMARY, 9_000, 2), Completed.class)).hasSize(1);
            w.beat(17, "n2", Role.STANDBY, 9_000, 2);
            w.beat(17, "n3", Role.PRIMARY, 9_000, 2);
            assertThat(w.timeUntil(18)).as("silence counts from the completion at 13 s").isEmpty();
            assertThat(only(w.timeUntil(19), Suspected.class)).extracting(Suspected::nodeId).containsExactly("n1");
        }

        @Test
        void givenSwitching_whenItIsNotPreparedInTime_thenAbortedAndTheOldPrimaryServesOn() {
            World w = premiumBeating(1);
            w.at(2, switchover("req-1", null));
            for (long t = 3; t <= 31; t += 2) {
                for (String n : List.of("n1", "n2", "n3")) {
                    w.beat(t, n, n.equals("n1") ? Role.PRIMARY : Role.STANDBY, 9_000, 1);
                }
            }
            assertThat(w.timeUntil(31)).isEmpty();
            List<FailoverEvent> out = w.timeUntil(32);
            assertThat(out).singleElement().isInstanceOfSatisfying(SwitchoverAborted.class,
                    a -> assertThat(a.reason()).contains("within 30 s").contains("n1 stays primary"));
            assertThat(w.state.active()).isNull();
            assertThat(w.state.history().get(0).state()).isEqualTo(FailoverState.ABORTED);
            assertThat(w.state.primary()).get().extracting(InstanceHealth.Node::nodeId).isEqualTo("n1");
            assertThat(w.state.epoch()).isEqualTo(1);
            assertThat(only(w.at(33, switchover("req-2", "n2")), SwitchoverStarted.class)).hasSize(1);
        }

        @Test
        void givenSwitching_whenTheDataPlaneFailsIt_thenAbortedWithTheDataPlanesReason() {
            World w = premiumBeating(1);
            SwitchoverStarted started = only(w.at(2, switchover("req-1", null)), SwitchoverStarted.class).get(0);
            assertThat(w.at(3, new FailoverCommand.CommandFailed(ID, "n3", "SwitchoverStarted", 1, 1, "SERVER_ERROR",
                    "n3 is not a running standby", null))).as("not about this switchover").isEmpty();
            List<FailoverEvent> out = w.at(3, new FailoverCommand.CommandFailed(ID, "n3", "SwitchoverStarted", 1, 1,
                    "SERVER_ERROR", "pg_ctl: server did not stop in time", started.switchoverId()));
            assertThat(out).singleElement().isInstanceOfSatisfying(SwitchoverAborted.class,
                    a -> assertThat(a.reason()).endsWith("pg_ctl: server did not stop in time"));
            assertThat(w.at(4, new FailoverCommand.SwitchoverPrepared(ID, started.switchoverId(), "n1", "n3", 9_000)))
                    .as("prepared too late").singleElement().isInstanceOf(Ignored.class);
            assertThat(w.state.epoch()).isEqualTo(1);
        }

        @Test
        void givenSwitching_whenTheTargetIsLost_thenAbortedAndTheLossHandledAsEver() {
            World w = premiumBeating(1);
            w.at(2, switchover("req-1", null));
            List<FailoverEvent> out = w.at(3, new ReportFailure(ID, "n3", "hypervisor lost", 0));
            assertThat(out.get(0)).isInstanceOf(SwitchoverAborted.class);
            assertThat(only(out, ReplacementRequested.class)).singleElement()
                    .satisfies(r -> assertThat(r.replacesNodeId()).isEqualTo("n3"));
            assertThat(w.state.active()).isNull();
        }

        @Test
        void givenPromoted_whenTheOldPrimarysLastBeatIsReadLate_thenItIsNotFenced() {
            World w = premiumBeating(1);
            SwitchoverStarted started = only(w.at(2, switchover("req-1", null)), SwitchoverStarted.class).get(0);
            w.at(4, new FailoverCommand.SwitchoverPrepared(ID, started.switchoverId(), "n1", "n3", 9_000));
            assertThat(w.beat(3, "n1", Role.PRIMARY, 9_000, 1)).isEmpty();
            assertThat(only(w.beat(6, "n1", Role.PRIMARY, 9_100, 1), Fenced.class))
                    .as("claiming primary after the promotion is fenced").hasSize(1);
        }
    }

    @Nested
    @DisplayName("a fenced node back, and the loss it measures")
    class Rejoin {

        /** Business: n1 primary at 5,000 lost, n2 (1,000 behind) promoted, r1 asked for in n1's place. */
        private World failedOver() {
            World w = instance("BUSINESS-4", 2);
            w.beat(1, "n1", Role.PRIMARY, 5_000, 1);
            w.beat(1, "n2", Role.STANDBY, 4_000, 1);
            w.at(2, new ReportFailure(ID, "n1", "machine gone", 0));
            w.beat(3, "n2", Role.PRIMARY, 4_000, 2);
            return w;
        }

        @Test
        void givenTheLostPrimaryFollowsTheNewOne_thenFencedOnceThenRejoinedAndItsReplacementCancelled() {
            World w = failedOver();
            assertThat(w.state.node("i-1-r1")).get().satisfies(r -> assertThat(r.replacesNodeId()).isEqualTo("n1"));
            assertThat(w.beat(10, "n1", Role.STANDBY, 4_000, 2)).singleElement().isInstanceOf(Fenced.class);
            assertThat(w.beat(11, "n1", Role.STANDBY, 3_000, 1)).as("not at the current epoch yet").isEmpty();

            List<FailoverEvent> out = w.beat(12, "n1", Role.STANDBY, 4_100, 2);
            assertThat(only(out, NodeRejoined.class)).singleElement().satisfies(j -> {
                assertThat(j.nodeId()).isEqualTo("n1");
                assertThat(j.epoch()).isEqualTo(2);
                assertThat(j.ip()).isEqualTo("10.0.0.1");
                assertThat(j.zone()).isEqualTo("a");
            });
            assertThat(only(out, ReplacementCancelled.class)).singleElement().satisfies(c -> {
                assertThat(c.nodeId()).isEqualTo("i-1-r1");
                assertThat(c.replacesNodeId()).isEqualTo("n1");
            });
            assertThat(w.state.node("i-1-r1")).isEmpty();
            assertThat(w.state.node("n1")).get().satisfies(n -> {
                assertThat(n.status()).isEqualTo(Status.HEALTHY);
                assertThat(n.role()).isEqualTo(Role.STANDBY);
                assertThat(n.healthySince()).as("a candidate only after the usual stability")
                        .isEqualTo(T.plusSeconds(12));
            });
            assertThat(w.state.history().get(0).phases()).extracting(p -> p.name().name())
                    .contains("REJOINED", "REPLACEMENT_CANCELLED");
            assertThat(w.beat(13, "n1", Role.STANDBY, 4_200, 2)).as("rejoined once")
                    .noneMatch(e -> e instanceof NodeRejoined || e instanceof ReplacementCancelled);

            assertThat(w.beat(13, "i-1-r1", Role.STANDBY, 4_200, 2)).as("the cancelled replacement's late heartbeat")
                    .singleElement().isInstanceOf(Ignored.class);
            assertThat(w.state.node("i-1-r1")).as("not watched again: its silence is no loss").isEmpty();

            List<FailoverEvent> again = w.at(14, new ReportFailure(ID, "n2", "lost", 0));
            assertThat(only(again, Blocked.class)).as("n1 rejoined 2 s ago: not yet a candidate").hasSize(1);
        }

        @Test
        void givenADecommissionedStandby_whenItsLastHeartbeatArrivesLate_thenItIsNotWatchedAgain() {
            World w = instance("PREMIUM-8", 3);
            w.beat(1, "n1", Role.PRIMARY, 5_000, 1);
            w.beat(1, "n3", Role.STANDBY, 5_000, 1);
            w.at(2, new FailoverCommand.Decommission(ID, "n3"));
            assertThat(w.beat(3, "n3", Role.STANDBY, 5_000, 1)).singleElement().isInstanceOf(Ignored.class);
            assertThat(w.state.node("n3")).as("its silence from now on is no loss").isEmpty();
        }

        @Test
        void givenNoPlaceForIt_thenItStaysFenced() {
            World w = instance("STARTUP-4", 1);
            w.beat(1, "n1", Role.PRIMARY, 5_000, 1);
            w.at(2, new ReportFailure(ID, "n1", "machine gone", 0));
            w.beat(10, "n1", Role.STANDBY, 5_000, 2);
            assertThat(w.beat(11, "n1", Role.STANDBY, 5_000, 2)).as("the restored primary stays; no room")
                    .isEmpty();
        }

        @Test
        void givenTheLostPrimaryRewound_thenTheFailoversLossIsMeasuredAgainstItsEstimate() {
            World w = failedOver();
            String failoverId = w.state.history().get(0).failoverId();
            List<FailoverEvent> out = w.at(12, new FailoverCommand.NodeRewound(ID, "n1", 2, 4_000, 1_200,
                    "pg_rewind"));
            assertThat(out).singleElement().isInstanceOfSatisfying(DataLossMeasured.class, d -> {
                assertThat(d.failoverId()).isEqualTo(failoverId);
                assertThat(d.lostBytes()).isEqualTo(1_200);
                assertThat(d.estimatedBytes()).isEqualTo(1_000);
                assertThat(d.divergedAt()).isEqualTo(4_000);
            });
            assertThat(w.state.history().get(0).measuredLoss()).satisfies(m -> {
                assertThat(m.lostBytes()).isEqualTo(1_200);
                assertThat(m.method()).isEqualTo("pg_rewind");
            });
            assertThat(w.at(13, new FailoverCommand.NodeRewound(ID, "n1", 2, 4_000, 1_200, "pg_rewind")))
                    .as("measured once").isEmpty();
            assertThat(w.at(13, new FailoverCommand.NodeRewound(ID, "n2", 2, 4_000, 7, "pg_rewind")))
                    .as("no failover lost n2").isEmpty();
        }
    }

    @Nested
    @DisplayName("a lost node forgotten once replaced")
    class Forgetting {

        /**
         * One failover of the Premium instance: every live node heard at the round's position, the
         * primary lost, the most advanced standby promoted and serving, its replacement up. Returns
         * the lost primary as it was.
         */
        private InstanceHealth.Node failOver(World w, int round) {
            long t = 10L * round;
            long position = 1_000L * round;
            InstanceHealth.Node primary = w.state.primary().orElseThrow();
            for (InstanceHealth.Node n : w.state.nodes()) {
                w.beat(t, n.nodeId(), n.role(), position, w.state.epoch());
            }
            List<FailoverEvent> out = w.at(t + 1, new ReportFailure(ID, primary.nodeId(), "machine gone", 0));
            Promoted promoted = only(out, Promoted.class).get(0);
            ReplacementRequested replacement = only(out, ReplacementRequested.class).get(0);
            assertThat(only(w.beat(t + 2, promoted.nodeId(), Role.PRIMARY, position, promoted.epoch()),
                    Completed.class)).hasSize(1);
            w.at(t + 3, new NodeUp(ID, replacement.nodeId(), "10.0.1." + round, replacement.zone()));
            return primary;
        }

        private World premium() {
            World w = instance("PREMIUM-8", 3);
            w.beat(1, "n1", Role.PRIMARY, 500, 1);
            w.beat(1, "n2", Role.STANDBY, 500, 1);
            w.beat(1, "n3", Role.STANDBY, 500, 1);
            return w;
        }

        @Test
        void givenFourFailoversOfAPremiumInstance_whenTheirReplacementsAreUp_thenOnlyTheCurrentNodesAreLive() {
            World w = premium();
            for (int round = 1; round <= 4; round++) {
                failOver(w, round);
            }

            assertThat(only(w.all, Completed.class)).hasSize(4);
            assertThat(w.state.nodes()).hasSize(3).allSatisfy(n -> assertThat(n.status()).isEqualTo(Status.HEALTHY));
            assertThat(w.state.nodes()).filteredOn(n -> n.role() == Role.PRIMARY).hasSize(1);
            assertThat(w.state.nodes()).extracting(InstanceHealth.Node::nodeId)
                    .doesNotContainAnyElementsOf(only(w.all, Lost.class).stream().map(Lost::nodeId).toList());
        }

        @Test
        void givenFourFailovers_thenTheHistoryStillNamesEachLostNodeWithItsZoneAndIp() {
            World w = premium();
            List<InstanceHealth.Node> lost = new ArrayList<>();
            for (int round = 1; round <= 4; round++) {
                lost.add(0, failOver(w, round));
            }

            assertThat(lost).extracting(InstanceHealth.Node::nodeId).doesNotHaveDuplicates();
            assertThat(w.state.history()).hasSize(4);
            for (int i = 0; i < 4; i++) {
                InstanceHealth.Failover f = w.state.history().get(i);
                InstanceHealth.Node n = lost.get(i);
                assertThat(f.failedNodeId()).isEqualTo(n.nodeId());
                assertThat(f.failedZone()).isEqualTo(n.zone()).isNotNull();
                assertThat(f.failedIp()).isEqualTo(n.ip()).isNotNull();
            }
        }

        @Test
        void givenAForgottenLostPrimary_whenItComesBack_thenFencedOnceAndItRejoinsAsBefore() {
            World w = premium();
            failOver(w, 1);
            assertThat(w.state.nodes()).extracting(InstanceHealth.Node::nodeId).doesNotContain("n1");

            List<FailoverEvent> back = w.beat(20, "n1", Role.PRIMARY, 1_200, 1);
            assertThat(back).as("fenced, not watched anew").singleElement().isInstanceOfSatisfying(Fenced.class,
                    f -> {
                        assertThat(f.nodeId()).isEqualTo("n1");
                        assertThat(f.nodeEpoch()).isEqualTo(1);
                        assertThat(f.currentEpoch()).isEqualTo(2);
                        assertThat(f.reason()).contains("was declared lost and replaced");
                    });
            assertThat(w.beat(21, "n1", Role.PRIMARY, 1_200, 1)).as("fenced once").isEmpty();

            List<FailoverEvent> rejoined = w.beat(22, "n1", Role.STANDBY, 1_000, 2);
            assertThat(only(rejoined, NodeRejoined.class)).singleElement().satisfies(j -> {
                assertThat(j.ip()).isEqualTo("10.0.0.1");
                assertThat(j.zone()).isEqualTo("a");
            });
            assertThat(only(rejoined, ReplacementCancelled.class)).singleElement()
                    .satisfies(c -> assertThat(c.replacesNodeId()).isEqualTo("n1"));
            assertThat(w.state.nodes()).hasSize(3).noneMatch(n -> n.status() == Status.LOST);
        }

        @Test
        void givenAForgottenLostNode_thenItsFailureReportIsHandledOnceAndProvisioningNamingItWatchesNothing() {
            World w = premium();
            failOver(w, 1);

            assertThat(w.at(20, new ReportFailure(ID, "n1", "lost", 0))).singleElement()
                    .isInstanceOfSatisfying(Ignored.class, i -> assertThat(i.reason()).contains("already lost"));
            assertThat(w.at(20, new Diagnose(ID, "n1", Severity.SEVERE, "gone"))).isEmpty();
            assertThat(w.at(20, new RecordNodes(ID, List.of(new PlannedNode("n1", Role.STANDBY, "a", "10.0.0.1")))))
                    .isEmpty();
            assertThat(w.state.nodes()).extracting(InstanceHealth.Node::nodeId).doesNotContain("n1");
        }

        @Test
        void givenALostStandbysReplacementDroppedBeforeItWasUp_thenTheLostNodeIsForgottenAndStillFenced() {
            World w = premium();
            ReplacementRequested r = only(w.at(2, new ReportFailure(ID, "n3", "machine gone", 0)),
                    ReplacementRequested.class).get(0);
            assertThat(w.state.node("n3")).get().extracting(InstanceHealth.Node::status).isEqualTo(Status.LOST);
            assertThat(w.state.nodes()).extracting(InstanceHealth.Node::nodeId).contains("n3");

            w.at(3, new FailoverCommand.Decommission(ID, r.nodeId()));

            assertThat(w.state.nodes()).extracting(InstanceHealth.Node::nodeId).containsExactly("n1", "n2");
            assertThat(w.beat(4, "n3", Role.STANDBY, 500, 1)).singleElement().isInstanceOf(Fenced.class);
        }

        @Test
        void givenTheOnlyNodeLost_whenItsRestoreTargetIsUp_thenItIsForgottenAndOnItsReturnStaysFenced() {
            World w = instance("STARTUP-4", 1);
            w.beat(1, "n1", Role.PRIMARY, 5_000, 1);
            ReplacementRequested r = only(w.at(2, new ReportFailure(ID, "n1", "machine gone", 0)),
                    ReplacementRequested.class).get(0);
            w.at(3, new NodeUp(ID, r.nodeId(), "10.0.0.9", "a"));
            assertThat(w.state.nodes()).extracting(InstanceHealth.Node::nodeId).containsExactly(r.nodeId());

            assertThat(only(w.at(9, new RestoreDone(ID, r.nodeId(), "b-1", 0, T.plusSeconds(9))), Completed.class))
                    .singleElement().satisfies(c -> assertThat(c.primaryNodeId()).isEqualTo(r.nodeId()));
            assertThat(w.beat(10, "n1", Role.STANDBY, 5_000, 2)).singleElement().isInstanceOf(Fenced.class);
            assertThat(w.beat(11, "n1", Role.STANDBY, 5_000, 2)).as("the restored primary stays; no room").isEmpty();
        }

        @Test
        void givenAReplacementHeardBeforeTheDataPlaneSaysItIsUp_thenItGetsItsAddressAndTheLostNodeIsForgottenAsInTheOtherOrder() {
            World heardFirst = premium();
            World upFirst = premium();
            List<String> replacements = new ArrayList<>();
            for (World w : List.of(heardFirst, upFirst)) {
                w.beat(10, "n1", Role.PRIMARY, 1_000, 1);
                w.beat(10, "n2", Role.STANDBY, 1_000, 1);
                w.beat(10, "n3", Role.STANDBY, 1_000, 1);
                List<FailoverEvent> out = w.at(11, new ReportFailure(ID, "n3", "machine gone", 0));
                replacements.add(only(out, ReplacementRequested.class).get(0).nodeId());
            }
            String r = replacements.get(0);
            assertThat(replacements.get(1)).isEqualTo(r);

            heardFirst.beat(12, r, Role.STANDBY, 1_000, 1);
            heardFirst.at(13, new NodeUp(ID, r, "10.0.1.7", "c"));
            upFirst.at(12, new NodeUp(ID, r, "10.0.1.7", "c"));
            upFirst.beat(13, r, Role.STANDBY, 1_000, 1);

            for (World w : List.of(heardFirst, upFirst)) {
                assertThat(w.state.nodes()).extracting(InstanceHealth.Node::nodeId).containsExactly("n1", "n2", r);
                assertThat(w.state.node(r).orElseThrow()).satisfies(n -> {
                    assertThat(n.ip()).isEqualTo("10.0.1.7");
                    assertThat(n.status()).isEqualTo(Status.HEALTHY);
                });
                assertThat(w.state.forgottenLost()).extracting(InstanceHealth.Node::nodeId).containsExactly("n3");
            }
            assertThat(heardFirst.at(14, new NodeUp(ID, r, "10.0.1.7", "c"))).as("told again").isEmpty();
        }

        @Test
        void givenTheOnlyHealthyStandbyHasNoAddressYet_whenThePrimaryIsLost_thenItIsNotPromotedUntilItHasOne() {
            World w = premium();
            w.beat(10, "n1", Role.PRIMARY, 1_000, 1);
            w.beat(10, "n2", Role.STANDBY, 1_000, 1);
            w.beat(10, "n3", Role.STANDBY, 1_000, 1);
            String r = only(w.at(11, new ReportFailure(ID, "n3", "machine gone", 0)), ReplacementRequested.class)
                    .get(0).nodeId();
            w.beat(12, r, Role.STANDBY, 1_000, 1); // heard, not yet reported up: no address
            w.at(13, new ReportFailure(ID, "n2", "machine gone", 0));
            w.beat(14, "n1", Role.PRIMARY, 1_000, 1);

            List<FailoverEvent> out = w.at(15, new ReportFailure(ID, "n1", "machine gone", 0));

            assertThat(only(out, Promoted.class)).isEmpty();
            assertThat(only(out, EndpointMoved.class)).isEmpty();
            assertThat(only(out, Blocked.class)).singleElement()
                    .satisfies(b -> assertThat(b.reason()).contains(r + " healthy without a known address"));

            w.at(16, new NodeUp(ID, r, "10.0.1.7", "c"));
            List<FailoverEvent> promoted = w.beat(17, r, Role.STANDBY, 1_000, 1);
            assertThat(only(promoted, Promoted.class)).singleElement()
                    .satisfies(p -> assertThat(p.nodeId()).isEqualTo(r));
            assertThat(only(promoted, EndpointMoved.class)).singleElement()
                    .satisfies(m -> assertThat(m.toIp()).isEqualTo("10.0.1.7"));
        }

        @Test
        void givenMoreLostNodesForgottenThanTheBound_thenOnlyTheNewestAreKept() {
            World w = premium();
            List<String> lost = new ArrayList<>();
            for (int round = 1; round <= InstanceHealth.FORGOTTEN_LOST + 1; round++) {
                lost.add(failOver(w, round).nodeId());
            }

            assertThat(w.state.nodes()).hasSize(3);
            assertThat(w.state.forgottenLost()).extracting(InstanceHealth.Node::nodeId)
                    .containsExactlyElementsOf(lost.subList(1, lost.size()));
        }
    }

    @Test
    void telemetryOfAnInstanceNeverAcceptedIsDroppedWithTheReasonAfterTheGrace() {
        World w = new World();
        w.beat(0, "x-n1", Role.PRIMARY, 1, 1);
        w.beat(1, "x-n2", Role.STANDBY, 1, 1);
        assertThat(w.timeUntil(300)).as("kept meanwhile: a rebuild may read it before the acceptance").isEmpty();
        assertThat(w.all).noneMatch(e -> e instanceof Suspected || e instanceof Lost);

        List<FailoverEvent> out = w.timeUntil(601);
        assertThat(only(out, Ignored.class)).extracting(Ignored::nodeId).containsExactly("x-n1", "x-n2");
        assertThat(only(out, Ignored.class).get(0).reason()).contains("unknown to failover-service");
        assertThat(w.state).isEqualTo(InstanceHealth.initial());
        assertThat(w.timeUntil(5_000)).isEmpty();
    }
}
