package io.datastores.dataplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.datastores.dataplane.domain.Fleet.NodeStatus;
import io.datastores.dataplane.domain.Fleet.Role;

@DisplayName("What the local data plane does on the control plane's events")
class RulesTest {

    private final Rules rules = new Rules(6, Set.of(Engine.POSTGRESQL, Engine.POSTGRESQL_VECTOR));

    private static Command.Accept accept(String id, String plan) {
        return new Command.Accept(id, Engine.POSTGRESQL, plan, Tier.valueOf(plan.split("-")[0]), id + ".db.dcp.internal", 100,
                List.of("0.0.0.0/0"));
    }

    private static Command.Provision node(String instance, int n, Role role, long epoch) {
        return new Command.Provision(instance, instance + "-n" + n, role, "z" + n, epoch, 1, null);
    }

    /** The fleet after a command (and the commands that follow it), as if every step had succeeded. */
    private Fleet run(Fleet fleet, Command command) {
        Plan plan = rules.decide(command, fleet);
        Fleet after = plan.fleet();
        for (Step s : plan.steps()) {
            after = s.after(after);
        }
        for (Command next : plan.then()) {
            after = run(after, next);
        }
        return after;
    }

    private Fleet premium() {
        Fleet f = run(Fleet.empty(15400, 15499), accept("i-1", "PREMIUM-4"));
        f = run(f, node("i-1", 1, Role.PRIMARY, 0));
        f = run(f, node("i-1", 2, Role.STANDBY, 0));
        return run(f, node("i-1", 3, Role.STANDBY, 0));
    }

    private static List<Report> reports(Plan plan) {
        return plan.steps().stream().filter(s -> s instanceof Step.Tell).map(s -> ((Step.Tell) s).report()).toList();
    }

    @Nested
    @DisplayName("provisioning")
    class Provisioning {

        @Test
        void givenAcceptedInstance_whenPrimaryAsked_thenInitdbPointsTheEndpointAndIssuesTheAdmin() {
            Fleet f = run(Fleet.empty(15400, 15499), accept("i-1", "BUSINESS-4"));
            Plan plan = rules.decide(node("i-1", 1, Role.PRIMARY, 0), f);
            assertThat(plan.steps()).extracting(s -> s.getClass().getSimpleName())
                    .containsExactly("InitPrimary", "PointEndpoint", "Tell");
            assertThat(plan.then()).containsExactly(new Command.IssueAdmin("i-1"));
            assertThat(plan.undo()).containsExactly(new Step.Remove("i-1", "i-1-n1"));
            Report.NodeUp up = (Report.NodeUp) reports(plan).get(0);
            assertThat(up.endpointPort()).isEqualTo(15400);
            assertThat(up.address()).isEqualTo("127.0.0.1:15401");
        }

        @Test
        void givenRunningPrimary_whenStandbyAsked_thenItIsCopiedFromThePrimaryWhoseQuorumIsRewritten() {
            Fleet f = run(run(Fleet.empty(15400, 15499), accept("i-1", "PREMIUM-4")), node("i-1", 1, Role.PRIMARY, 0));
            Plan plan = rules.decide(node("i-1", 2, Role.STANDBY, 0), f);
            assertThat(plan.steps().get(0)).isEqualTo(new Step.CloneStandby("i-1", "i-1-n2", "i-1-n1"));
            assertThat(plan.steps().get(1)).isEqualTo(new Step.Configure("i-1", "i-1-n1", false));
        }

        @Test
        void givenNoPrimary_whenStandbyAsked_thenARetryableFailureSaysWhy() {
            Fleet f = run(Fleet.empty(15400, 15499), accept("i-1", "BUSINESS-4"));
            Report r = reports(rules.decide(node("i-1", 2, Role.STANDBY, 0), f)).get(0);
            assertThat(r).isInstanceOfSatisfying(Report.ProvisioningFailed.class, p -> {
                assertThat(p.retryable()).isTrue();
                assertThat(p.reason()).contains("no running primary");
            });
        }

        @Test
        void givenAFullMachine_whenAnotherNodeAsked_thenRefusedForGoodWithTheLimit() {
            Fleet f = premium();
            f = run(f, accept("i-2", "PREMIUM-4"));
            f = run(f, node("i-2", 1, Role.PRIMARY, 0));
            f = run(f, node("i-2", 2, Role.STANDBY, 0));
            f = run(f, node("i-2", 3, Role.STANDBY, 0));
            f = run(f, accept("i-3", "HOBBYIST"));
            Report r = reports(rules.decide(node("i-3", 1, Role.PRIMARY, 0), f)).get(0);
            assertThat(r).isInstanceOfSatisfying(Report.ProvisioningFailed.class, p -> {
                assertThat(p.retryable()).isFalse();
                assertThat(p.reason()).contains("at most 6 servers");
            });
        }

        @Test
        void givenARunningNode_whenAskedAgain_thenItIsReportedAgainNotMadeTwice() {
            Plan plan = rules.decide(node("i-1", 2, Role.STANDBY, 0), premium());
            assertThat(plan.steps()).hasSize(1).first().isInstanceOf(Step.Tell.class);
        }

        @Test
        void givenAnotherEngine_whenAccepted_thenThisDataPlaneLeavesItAlone() {
            Command.Accept cache = new Command.Accept("c-1", Engine.CACHE, "HOBBYIST", Tier.HOBBYIST, "c.db", 10000, List.of());
            Fleet f = run(Fleet.empty(15400, 15499), cache);
            assertThat(f.instances()).isEmpty();
            assertThat(rules.decide(node("c-1", 1, Role.PRIMARY, 0), f).steps()).isEmpty();
        }

        @Test
        void givenAPortAnotherProgramHolds_thenItIsSkipped() {
            Rules busy = new Rules(6, Set.of(Engine.POSTGRESQL), port -> port != 15401);
            Fleet f = busy.decide(accept("i-1", "HOBBYIST"), Fleet.empty(15400, 15499)).fleet();
            Plan plan = busy.decide(node("i-1", 1, Role.PRIMARY, 0), f);
            assertThat(plan.fleet().node("i-1-n1").orElseThrow().port()).isEqualTo(15402);
        }

        @Test
        void givenPortsTaken_thenEachNodeAndEndpointGetsItsOwn() {
            Fleet f = premium();
            assertThat(f.instance("i-1").orElseThrow().nodes().values()).extracting(Fleet.Node::port)
                    .containsExactlyInAnyOrder(15401, 15402, 15403);
        }
    }

    @Nested
    @DisplayName("fencing by epoch")
    class Fencing {

        @Test
        void givenAPromotionAtEpoch2_whenAProvisioningDecidedAtEpoch1Arrives_thenItIsRefusedAsStale() {
            Fleet f = run(premium(), new Command.Promote("i-1", "i-1-n2", 2, "fo-1"));
            List<Report> r = reports(rules.decide(node("i-1", 4, Role.STANDBY, 1), f));
            assertThat(r.get(0)).isInstanceOfSatisfying(Report.CommandFailed.class, c -> {
                assertThat(c.failure()).isEqualTo(Report.Failure.STALE_EPOCH);
                assertThat(c.currentEpoch()).isEqualTo(2);
            });
            assertThat(r.get(1)).isInstanceOf(Report.ProvisioningFailed.class);
        }

        @Test
        void givenEpoch3_whenAnOlderPromotionArrives_thenRefused() {
            Fleet f = run(premium(), new Command.Promote("i-1", "i-1-n2", 3, "fo-2"));
            Report r = reports(rules.decide(new Command.Promote("i-1", "i-1-n3", 2, "fo-1"), f)).get(0);
            assertThat(((Report.CommandFailed) r).failure()).isEqualTo(Report.Failure.STALE_EPOCH);
        }

        @Test
        void givenAPromotionDone_whenRedelivered_thenNothingHappens() {
            Fleet f = run(premium(), new Command.Promote("i-1", "i-1-n2", 2, "fo-1"));
            assertThat(rules.decide(new Command.Promote("i-1", "i-1-n2", 2, "fo-1"), f).steps()).isEmpty();
        }

        @Test
        void givenALostPrimary_whenItReturnsAfterAPromotion_thenItIsRewoundOntoTheNewPrimary() {
            Fleet f = run(premium(), new Command.Lose("i-1", "i-1-n1"));
            f = run(f, new Command.Promote("i-1", "i-1-n2", 2, "fo-1"));
            Plan plan = rules.decide(new Command.Return("i-1", "i-1-n1"), f);
            assertThat(plan.steps().get(0)).isEqualTo(new Step.Rejoin("i-1", "i-1-n1", "i-1-n2", 2));
            Fleet after = run(f, new Command.Return("i-1", "i-1-n1"));
            Fleet.Node back = after.node("i-1-n1").orElseThrow();
            assertThat(back.role()).isEqualTo(Role.STANDBY);
            assertThat(back.epoch()).isEqualTo(2);
        }

        @Test
        void givenALostStandby_whenItReturnsUnchanged_thenItSimplyStarts() {
            Fleet f = run(premium(), new Command.Lose("i-1", "i-1-n3"));
            assertThat(rules.decide(new Command.Return("i-1", "i-1-n3"), f).steps())
                    .containsExactly(new Step.Start("i-1", "i-1-n3"));
        }
    }

    @Nested
    @DisplayName("failover")
    class Failover {

        @Test
        void givenPrimaryLost_whenAStandbyIsPromoted_thenItCatchesUpFirstAndTheOtherFollows() {
            Fleet f = run(premium(), new Command.Lose("i-1", "i-1-n1"));
            Plan plan = rules.decide(new Command.Promote("i-1", "i-1-n2", 2, "fo-1"), f);
            assertThat(plan.steps()).containsExactly(
                    new Step.CatchUp("i-1", "i-1-n2"),
                    new Step.PromoteNode("i-1", "i-1-n2", 2),
                    new Step.Configure("i-1", "i-1-n2", false));
            assertThat(plan.then()).containsExactly(new Command.FollowPrimary("i-1", "i-1-n2", 2));
            Fleet promoted = plan.steps().stream().reduce(plan.fleet(), (fl, st) -> st.after(fl), (a, b) -> b);
            assertThat(rules.decide(plan.then().get(0), promoted).steps()).containsExactly(
                    new Step.Checkpoint("i-1", "i-1-n2"),
                    new Step.Follow("i-1", "i-1-n3", "i-1-n2", 2),
                    new Step.Configure("i-1", "i-1-n2", false));
        }

        @Test
        void givenAPromotion_whenTheEndpointMovesToItsAddress_thenTheEndpointPointsAtIt() {
            Fleet f = run(premium(), new Command.Promote("i-1", "i-1-n2", 2, "fo-1"));
            String address = f.node("i-1-n2").orElseThrow().address();
            assertThat(rules.decide(new Command.MoveEndpoint("i-1", address, "fo-1"), f).steps())
                    .startsWith(new Step.PointEndpoint("i-1", "i-1-n2"));
        }

        @Test
        void givenACrashedNode_whenRestartAsked_thenItStartsInPlace() {
            Fleet f = premium().withNode("i-1-n3", n -> n.with(NodeStatus.CRASHED));
            assertThat(rules.decide(new Command.Restart("i-1", "i-1-n3", 0), f).steps())
                    .containsExactly(new Step.Start("i-1", "i-1-n3"));
        }

        @Test
        void givenNoBackup_whenARestoreIsAsked_thenTheReplacementStartsEmptyAtTheNewEpoch() {
            Fleet f = run(Fleet.empty(15400, 15499), accept("h-1", "HOBBYIST"));
            f = run(f, node("h-1", 1, Role.PRIMARY, 0));
            f = run(f, new Command.Lose("h-1", "h-1-n1"));
            f = run(f, new Command.Provision("h-1", "h-1-r1", Role.PRIMARY, "z1", 1, 1, "h-1-n1"));
            Plan plan = rules.decide(new Command.Restore("h-1", "h-1-r1", null, 1, "fo-1"), f);
            assertThat(plan.steps().get(0)).isEqualTo(new Step.RestoreEmpty("h-1", "h-1-r1", 1, "fo-1"));
        }

        @Test
        void givenABackupNamed_whenARestoreIsAsked_thenItSaysItHasNone() {
            Fleet f = run(Fleet.empty(15400, 15499), accept("h-1", "HOBBYIST"));
            f = run(f, node("h-1", 1, Role.PRIMARY, 0));
            f = run(f, new Command.Provision("h-1", "h-1-r1", Role.PRIMARY, "z1", 1, 1, "h-1-n1"));
            Report r = reports(rules.decide(new Command.Restore("h-1", "h-1-r1", "b-1", 1, "fo-1"), f)).get(0);
            assertThat(((Report.CommandFailed) r).failure()).isEqualTo(Report.Failure.UNSUPPORTED);
        }
    }

    @Nested
    @DisplayName("planned switchover")
    class Switchover {

        @Test
        void givenRunningPrimaryAndStandbys_whenSwitchoverStarts_theOtherStandbyStreamsFromTheTarget_connectionsWait_andTheOldPrimaryHandsOver() {
            Plan plan = rules.decide(new Command.PrepareSwitchover("i-1", "sw-1", "i-1-n1", "i-1-n2", 0), premium());
            assertThat(plan.steps()).containsExactly(new Step.StreamFrom("i-1", "i-1-n3", "i-1-n2"),
                    new Step.PauseEndpoint("i-1"), new Step.HandOver("i-1", "sw-1", "i-1-n1", "i-1-n2"));
        }

        @Test
        void givenTheTargetIsNotAStandby_whenSwitchoverStarts_thenItFailsWithTheReason() {
            Report r = reports(rules.decide(new Command.PrepareSwitchover("i-1", "sw-1", "i-1-n2", "i-1-n3", 0),
                    premium())).get(0);
            assertThat(((Report.CommandFailed) r).reason()).contains("not the running primary");
            assertThat(((Report.CommandFailed) r).correlatesWith()).isEqualTo("sw-1");
        }

        @Test
        void givenASwitchoverPromotion_thenTheOldPrimaryFollowsTheNewOne() {
            Fleet promoted = run(premium(), new Command.Promote("i-1", "i-1-n2", 1, "sw-1"));
            assertThat(promoted.node("i-1-n1").orElseThrow().role()).isEqualTo(Role.STANDBY);
            assertThat(promoted.node("i-1-n3").orElseThrow().epoch()).isEqualTo(1);
            Plan follow = rules.decide(new Command.FollowPrimary("i-1", "i-1-n2", 1), promoted);
            assertThat(follow.steps()).contains(new Step.Follow("i-1", "i-1-n1", "i-1-n2", 1),
                    new Step.Follow("i-1", "i-1-n3", "i-1-n2", 1));
        }
    }

    @Nested
    @DisplayName("deletion")
    class Deletion {

        @Test
        void givenAnInstance_whenDeleted_thenEveryServerAndTheEndpointGo() {
            Fleet after = run(premium(), new Command.Delete("i-1"));
            assertThat(after.instances()).isEmpty();
            assertThat(rules.decide(new Command.Delete("i-1"), premium()).steps()).extracting(Step::getClass)
                    .containsExactly(Step.Remove.class, Step.Remove.class, Step.Remove.class, Step.DropInstance.class);
        }
    }
}
