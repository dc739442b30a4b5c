package io.datastores.provisioning.domain;

import static io.datastores.provisioning.domain.Fixtures.CATALOG;
import static io.datastores.provisioning.domain.Fixtures.T;
import static io.datastores.provisioning.domain.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.datastores.provisioning.domain.InstanceCommand.ChangeAllowlist;
import io.datastores.provisioning.domain.InstanceCommand.ChangePlan;
import io.datastores.provisioning.domain.InstanceCommand.DeleteInstance;
import io.datastores.provisioning.domain.InstanceCommand.ExpireTrial;
import io.datastores.provisioning.domain.InstanceCommand.LiftTrial;
import io.datastores.provisioning.domain.InstanceCommand.RecordNodeProvisioned;
import io.datastores.provisioning.domain.InstanceCommand.RequestInstance;
import io.datastores.provisioning.domain.InstanceEvent.Accepted;
import io.datastores.provisioning.domain.InstanceEvent.NodeDecommissioned;
import io.datastores.provisioning.domain.InstanceEvent.NodeRequested;
import io.datastores.provisioning.domain.InstanceEvent.PlanChanged;
import io.datastores.provisioning.domain.InstanceEvent.Ready;
import io.datastores.provisioning.domain.InstanceEvent.Rejected;
import io.datastores.provisioning.domain.InstanceState.Status;

class InstanceDeciderTest {

    private final InstanceDecider decider = new InstanceDecider(CATALOG);

    /** Given past commands, the state they leave. */
    private InstanceState given(InstanceCommand... commands) {
        InstanceState state = decider.initialState();
        for (InstanceCommand c : commands) {
            for (InstanceEvent e : decider.decide(c, state, T)) {
                state = decider.evolve(state, e);
            }
        }
        return state;
    }

    private List<InstanceEvent> when(InstanceState state, InstanceCommand command) {
        return decider.decide(command, state, T);
    }

    /** Every planned node reports up; returns all events. */
    private List<InstanceEvent> allNodesUp(InstanceState[] holder) {
        List<InstanceEvent> events = new ArrayList<>();
        for (InstanceEvent.Node n : List.copyOf(holder[0].topology().nodes())) {
            if (n.ip() != null) {
                continue;
            }
            for (InstanceEvent e : decider.decide(up(n.nodeId(), n.zone()), holder[0], T)) {
                holder[0] = decider.evolve(holder[0], e);
                events.add(e);
            }
        }
        return events;
    }

    private InstanceState ready(RequestInstance r) {
        InstanceState[] s = {given(r)};
        allNodesUp(s);
        assertThat(s[0].status()).isEqualTo(Status.READY);
        return s[0];
    }

    private Ready readyEvent(RequestInstance r) {
        InstanceState[] s = {given(r)};
        List<InstanceEvent> events = allNodesUp(s);
        return (Ready) events.get(events.size() - 1);
    }

    private static RecordNodeProvisioned up(String node, String zone) {
        return new RecordNodeProvisioned(node.substring(0, node.lastIndexOf("-n")), node, node + ".host",
                "10.0.0." + node.length(), zone);
    }

    private static RejectionCode code(List<InstanceEvent> events) {
        assertThat(events).singleElement().isInstanceOf(Rejected.class);
        return ((Rejected) events.get(0)).code();
    }

    @Nested
    @DisplayName("a new instance")
    class NewInstance {

        @Test
        void givenPremiumPlan_whenRequested_thenAcceptsAndAsksForThreeNodesInDifferentZones() {
            List<InstanceEvent> events = when(given(), request("PREMIUM-8", Engine.POSTGRESQL));
            assertThat(events.get(0)).isInstanceOfSatisfying(Accepted.class, a -> {
                assertThat(a.nodeCount()).isEqualTo(3);
                assertThat(a.catalogVersion()).isEqualTo(CATALOG.version());
                assertThat(a.allowlist()).containsExactly("0.0.0.0/0", "::/0");
                assertThat(a.connectionLimit()).as("the published limit, for the data plane").isEqualTo(200);
                assertThat(a.serviceHost()).isEqualTo("orders-db-i1.us-east-1.aws." + InstanceDecider.HOST_DOMAIN);
                assertThat(a.trialEndsAt()).isNull();
                assertThat(a.backupRetentionDays()).isEqualTo(30);
            });
            List<NodeRequested> nodes = events.stream().skip(1).map(NodeRequested.class::cast).toList();
            assertThat(nodes).extracting(NodeRequested::role)
                    .containsExactly(NodeRole.PRIMARY, NodeRole.STANDBY, NodeRole.STANDBY);
            assertThat(nodes).extracting(NodeRequested::zone).doesNotHaveDuplicates();
        }

        @ParameterizedTest(name = "{0} has {1} node(s)")
        @CsvSource({"HOBBYIST,1", "STARTUP-2,1", "STARTUP-4,1", "BUSINESS-4,2", "BUSINESS-16,2", "PREMIUM-4,3",
                "PREMIUM-8,3"})
        void givenEachTier_whenReady_thenNodeCountFollowsThePlan(String plan, int nodes) {
            assertThat(readyEvent(request(plan, Engine.MYSQL)).nodes()).hasSize(nodes);
        }

        @Test
        void givenARegionWithOneZone_thenAllNodesShareIt() {
            RequestInstance r = Fixtures.with(request("PREMIUM-4", Engine.MYSQL), Cloud.DIGITALOCEAN, "ams3", true,
                    List.of(), null);
            assertThat(readyEvent(r).nodes()).extracting(InstanceEvent.Node::zone).containsOnly("ams3");
        }

        @Test
        void givenOneOfTwoNodesUp_thenNotReady() {
            assertThat(when(given(request("BUSINESS-4", Engine.POSTGRESQL)), up("i-1-n1", "a")))
                    .noneMatch(Ready.class::isInstance);
        }

        @Test
        void givenReady_whenANodeReportsAgain_thenNothingHappens() {
            assertThat(when(ready(request("HOBBYIST", Engine.POSTGRESQL)), up("i-1-n1", "us-east-1a"))).isEmpty();
        }

        @Test
        void givenSameRequestId_whenRetried_thenOneInstance() {
            assertThat(when(given(request("HOBBYIST", Engine.MYSQL)), request("HOBBYIST", Engine.MYSQL))).isEmpty();
        }

        @Test
        void givenAnotherRequestForTheSameInstanceId_thenRejectedAsExisting() {
            RequestInstance other = new RequestInstance("r-2", "org-1", "i-1", "x", Engine.MYSQL, Cloud.AWS,
                    "us-east-1", "HOBBYIST", true, List.of(), null, null);
            assertThat(code(when(given(request("HOBBYIST", Engine.MYSQL)), other)))
                    .isEqualTo(RejectionCode.INSTANCE_EXISTS);
        }

        @Test
        void givenAFailoverReadBeforeTheRequest_thenAppliedWhenTheRequestIsRead() {
            InstanceState early = given(up("i-1-n1", "z"),
                    new InstanceCommand.RecordReplacement("i-1", "i-1-n1", "i-1-r1", NodeRole.PRIMARY, "z", 2),
                    new RecordNodeProvisioned("i-1", "i-1-r1", "r1.host", "10.0.0.77", "z"));
            List<InstanceEvent> events = when(early, request("HOBBYIST", Engine.POSTGRESQL));
            assertThat(events).extracting(e -> e.getClass().getSimpleName()).containsExactly("Accepted",
                    "NodeRequested", "NodeReplaced", "EarlyFailoversApplied", "Ready");
            InstanceState after = early;
            for (InstanceEvent e : events) {
                after = decider.evolve(after, e);
            }
            assertThat(after.topology().nodes()).extracting(InstanceEvent.Node::nodeId).containsExactly("i-1-r1");
            assertThat(after.early().nodes()).isEmpty();
            assertThat(after.early().failovers()).isEmpty();
            assertThat(after.topology().epoch()).isEqualTo(2);
        }

        @Test
        void givenANodeReportedBeforeItWasAskedFor_thenHeldAndUpAsSoonAsAsked() {
            InstanceState early = given(up("i-1-n1", "z-early"));
            assertThat(early.early().nodes()).extracting(InstanceEvent.Node::nodeId).containsExactly("i-1-n1");
            assertThat(when(early, up("i-1-n1", "z-early"))).as("reported twice: held once").isEmpty();

            List<InstanceEvent> events = when(early, request("HOBBYIST", Engine.POSTGRESQL));
            assertThat(events).extracting(e -> e.getClass().getSimpleName())
                    .containsExactly("Accepted", "NodeRequested", "Ready");
            assertThat(((Ready) events.get(2)).nodes()).singleElement()
                    .satisfies(n -> assertThat(n.ip()).isNotNull());
        }
    }

    @Nested
    @DisplayName("connection limits (DOMAIN.md), at every row and edge")
    class ConnectionLimits {

        @ParameterizedTest(name = "PostgreSQL {0}: {1}")
        @CsvSource({"HOBBYIST,25", "STARTUP-2,100", "STARTUP-4,100", "BUSINESS-4,100", "BUSINESS-8,100",
                "BUSINESS-16,400", "PREMIUM-4,100", "PREMIUM-8,200"})
        void postgresFromThePlanTable(String plan, int limit) {
            assertThat(readyEvent(request(plan, Engine.POSTGRESQL)).connectionLimit()).isEqualTo(limit);
            assertThat(readyEvent(request(plan, Engine.POSTGRESQL_VECTOR)).connectionLimit()).isEqualTo(limit);
        }

        @ParameterizedTest(name = "MySQL {0} ({1} GiB): {2}")
        @CsvSource({"HOBBYIST,1,76", "STARTUP-2,2,151", "STARTUP-4,4,401", "BUSINESS-8,8,801", "BUSINESS-16,16,1601"})
        void mysqlSeventyFivePerGibUnderFourThenOneHundred(String plan, int ram, int limit) {
            assertThat(CATALOG.plan(plan).orElseThrow().ramGiB()).isEqualTo(ram);
            assertThat(readyEvent(request(plan, Engine.MYSQL)).connectionLimit()).isEqualTo(limit);
        }

        @ParameterizedTest(name = "cache {0}: {1}")
        @CsvSource({"HOBBYIST,10000", "STARTUP-4,16384", "BUSINESS-8,32768", "BUSINESS-16,65536"})
        void cacheFourPerMegabyteWithATenThousandFloor(String plan, int limit) {
            assertThat(readyEvent(request(plan, Engine.CACHE)).connectionLimit()).isEqualTo(limit);
        }

        @Test
        void everyReadyInstanceRequiresTls() {
            Ready r = readyEvent(request("BUSINESS-16", Engine.POSTGRESQL));
            assertThat(r.tlsRequired()).isTrue();
            assertThat(r.port()).isEqualTo(5432);
            assertThat(r.endpointAddress()).as("no endpoint of the data plane's own: resolve the host").isNull();
            assertThat(r.commandPolicy()).isNull();
        }

        @Test
        void cachePublishesItsCommandPolicyWithScriptingOnByDefault() {
            Ready byDefault = readyEvent(request("HOBBYIST", Engine.CACHE));
            assertThat(byDefault.commandPolicy().scriptingEnabled()).isTrue();
            assertThat(byDefault.commandPolicy().disabledCommands())
                    .containsAll(AccessRules.CACHE_DISABLED_COMMANDS).doesNotContain("eval", "script");
            Ready noScripts = readyEvent(Fixtures.with(request("HOBBYIST", Engine.CACHE), Cloud.AWS, "us-east-1", true,
                    List.of(), false));
            assertThat(noScripts.commandPolicy().disabledCommands()).contains("eval", "eval_ro", "evalsha",
                    "evalsha_ro", "script");
        }
    }

    @Nested
    @DisplayName("plan changes")
    class PlanChanges {

        @Test
        void givenHobbyist_whenUpgradedToPremium_thenTwoStandbysJoinAndReadyAgainWithTheNewLimit() {
            InstanceState hobbyist = ready(request("HOBBYIST", Engine.POSTGRESQL));
            ChangePlan upgrade = new ChangePlan("r-up", "org-1", "i-1", "PREMIUM-8");
            List<InstanceEvent> events = when(hobbyist, upgrade);
            assertThat(events.get(0)).isInstanceOfSatisfying(PlanChanged.class, p -> {
                assertThat(p.nodeCount()).isEqualTo(3);
                assertThat(p.connectionLimit()).isEqualTo(200);
                assertThat(p.backupRetentionDays()).isEqualTo(30);
                assertThat(p.backupMode()).isEqualTo(Catalog.BackupMode.DAILY);
            });
            assertThat(events).filteredOn(NodeRequested.class::isInstance).extracting(e -> ((NodeRequested) e).nodeId())
                    .containsExactly("i-1-n2", "i-1-n3");
            InstanceState[] changing = {given(request("HOBBYIST", Engine.POSTGRESQL), up("i-1-n1", "us-east-1a"), upgrade)};
            assertThat(changing[0].status()).isEqualTo(Status.CHANGING);
            assertThat(code(when(changing[0], new ChangeAllowlist("r-x", "org-1", "i-1", List.of()))))
                    .isEqualTo(RejectionCode.CHANGE_IN_PROGRESS);
            List<InstanceEvent> joined = allNodesUp(changing);
            assertThat(joined.get(joined.size() - 1)).isInstanceOfSatisfying(Ready.class, r -> {
                assertThat(r.nodes()).hasSize(3);
                assertThat(r.connectionLimit()).isEqualTo(200);
            });
        }

        @Test
        void givenPremium_whenDowngradedToBusiness_thenTheLastStandbyIsDecommissionedAndReadyAtOnce() {
            InstanceState premium = ready(request("PREMIUM-8", Engine.MYSQL));
            List<InstanceEvent> events = when(premium, new ChangePlan("r-down", "org-1", "i-1", "BUSINESS-4"));
            assertThat(events).extracting(e -> e.getClass().getSimpleName())
                    .containsExactly("PlanChanged", "NodeDecommissioned", "Ready");
            assertThat(((NodeDecommissioned) events.get(1)).nodeId()).isEqualTo("i-1-n3");
            assertThat(((Ready) events.get(2)).nodes()).hasSize(2);
            assertThat(((Ready) events.get(2)).connectionLimit()).isEqualTo(401);
        }

        @Test
        void givenAFailoverPromotedAndReplaced_thenReadyAgainWithTheNewRolesAndADowngradeKeepsThePrimary() {
            InstanceState s = ready(request("PREMIUM-8", Engine.POSTGRESQL));
            for (InstanceCommand c : List.<InstanceCommand>of(
                    new InstanceCommand.RecordPromotion("i-1", "i-1-n3", 2),
                    new InstanceCommand.RecordReplacement("i-1", "i-1-n1", "i-1-r1", NodeRole.STANDBY, "z", 2))) {
                for (InstanceEvent e : when(s, c)) {
                    s = decider.evolve(s, e);
                }
            }
            assertThat(when(s, new InstanceCommand.RecordPromotion("i-1", "i-1-n3", 2))).as("repeat").isEmpty();
            List<InstanceEvent> up = when(s, new RecordNodeProvisioned("i-1", "i-1-r1", "r1.host", "10.0.0.99", "z"));
            Ready again = (Ready) up.get(up.size() - 1);
            assertThat(again.nodes()).extracting(InstanceEvent.Node::nodeId, InstanceEvent.Node::role)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("i-1-n2", NodeRole.STANDBY),
                            org.assertj.core.groups.Tuple.tuple("i-1-n3", NodeRole.PRIMARY),
                            org.assertj.core.groups.Tuple.tuple("i-1-r1", NodeRole.STANDBY));
            for (InstanceEvent e : up) {
                s = decider.evolve(s, e);
            }
            assertThat(s.topology().epoch()).isEqualTo(2);
            List<InstanceEvent> down = when(s, new ChangePlan("r-down", "org-1", "i-1", "STARTUP-2"));
            assertThat(down).filteredOn(NodeDecommissioned.class::isInstance)
                    .extracting(e -> ((NodeDecommissioned) e).nodeId()).containsExactly("i-1-r1", "i-1-n2");
            assertThat(down).filteredOn(NodeDecommissioned.class::isInstance)
                    .allSatisfy(e -> assertThat(((NodeDecommissioned) e).epoch()).isEqualTo(2));
        }

        @Test
        void nodeIdsAreNeverReused() {
            InstanceState[] s = {given(request("PREMIUM-4", Engine.MYSQL))};
            allNodesUp(s);
            for (InstanceEvent e : when(s[0], new ChangePlan("r-d", "org-1", "i-1", "HOBBYIST"))) {
                s[0] = decider.evolve(s[0], e);
            }
            List<InstanceEvent> regrow = when(s[0], new ChangePlan("r-u", "org-1", "i-1", "BUSINESS-4"));
            assertThat(regrow).filteredOn(NodeRequested.class::isInstance)
                    .extracting(e -> ((NodeRequested) e).nodeId()).containsExactly("i-1-n4");
        }

        @Test
        void refusals() {
            InstanceState ready = ready(request("HOBBYIST", Engine.CACHE));
            assertThat(code(when(ready, new ChangePlan("r", "org-1", "i-1", "HOBBYIST"))))
                    .isEqualTo(RejectionCode.PLAN_UNCHANGED);
            assertThat(code(when(ready, new ChangePlan("r", "org-1", "i-1", "STARTUP-2"))))
                    .isEqualTo(RejectionCode.PLAN_NOT_OFFERED);
            assertThat(code(when(ready, new ChangePlan("r", "org-1", "i-1", "GOLD"))))
                    .isEqualTo(RejectionCode.UNKNOWN_PLAN);
            assertThat(code(when(given(request("BUSINESS-4", Engine.MYSQL)), new ChangePlan("r", "org-1", "i-1",
                    "PREMIUM-4")))).isEqualTo(RejectionCode.CHANGE_IN_PROGRESS);
        }
    }

    @Nested
    @DisplayName("trials")
    class Trials {

        private final Instant end = T.plus(Entitlement.TRIAL);
        private final RequestInstance trial = request("HOBBYIST", Engine.POSTGRESQL).withTrialEndsAt(end);

        @Test
        void givenATrial_whenItsEndComes_thenSuspendedAtTheEndNeverDeleted() {
            InstanceState ready = ready(trial);
            assertThat(InstanceDecider.due("i-1", ready, end.minusSeconds(1))).isEmpty();
            var due = InstanceDecider.due("i-1", ready, end.plusSeconds(90)).orElseThrow();
            assertThat(due.at()).isEqualTo(end);
            List<InstanceEvent> expired = when(ready, due.command());
            assertThat(expired).singleElement().isInstanceOfSatisfying(InstanceEvent.TrialExpired.class,
                    t -> assertThat(t.trialEndedAt()).isEqualTo(end));
            InstanceState suspended = decider.evolve(ready, expired.get(0));
            assertThat(suspended.status()).isEqualTo(Status.SUSPENDED);
            assertThat(InstanceDecider.due("i-1", suspended, end.plusSeconds(999))).isEmpty();
            assertThat(when(suspended, new ExpireTrial("i-1"))).isEmpty();
            assertThat(code(when(suspended, new ChangeAllowlist("r-a", "org-1", "i-1", List.of()))))
                    .isEqualTo(RejectionCode.INSTANCE_SUSPENDED);
            assertThat(when(suspended, new DeleteInstance("r-del", "org-1", "i-1"))).singleElement()
                    .isInstanceOf(InstanceEvent.Deleted.class);
        }

        @Test
        void givenASuspendedTrial_whenTheOrganizationPays_thenResumed() {
            InstanceState suspended = given(trial, up("i-1-n1", "a"), new ExpireTrial("i-1"));
            List<InstanceEvent> lifted = when(suspended, new LiftTrial("org-1", "i-1"));
            assertThat(lifted).extracting(e -> e.getClass().getSimpleName()).containsExactly("TrialLifted", "Resumed");
            InstanceState after = given(trial, up("i-1-n1", "a"), new ExpireTrial("i-1"), new LiftTrial("org-1", "i-1"));
            assertThat(after.status()).isEqualTo(Status.READY);
            assertThat(InstanceDecider.due("i-1", after, end.plusSeconds(999))).isEmpty();
        }

        @Test
        void givenAPaidInstance_thenNoTimerEverFires() {
            assertThat(InstanceDecider.due("i-1", ready(request("HOBBYIST", Engine.MYSQL)), Instant.MAX)).isEmpty();
        }
    }

    @Nested
    @DisplayName("requests about existing instances")
    class Existing {

        private final InstanceState ready = ready(request("HOBBYIST", Engine.POSTGRESQL));

        @Test
        void allowlistChangesAreValidatedAndAppliedOnce() {
            ChangeAllowlist change = new ChangeAllowlist("r-3", "org-1", "i-1", List.of("2001:db8::/48"));
            assertThat(when(ready, change)).singleElement().isInstanceOf(InstanceEvent.AllowlistChanged.class);
            InstanceState changed = given(request("HOBBYIST", Engine.POSTGRESQL), up("i-1-n1", "a"), change);
            assertThat(when(changed, change)).isEmpty();
            assertThat(code(when(ready, new ChangeAllowlist("r-4", "org-1", "i-1", List.of("300.0.0.1")))))
                    .isEqualTo(RejectionCode.INVALID_CIDR);
        }

        @Test
        void unknownAndForeignInstancesAreRejected() {
            assertThat(code(when(given(), new DeleteInstance("r-9", "org-1", "i-1"))))
                    .isEqualTo(RejectionCode.UNKNOWN_INSTANCE);
            assertThat(code(when(ready, new DeleteInstance("r-9", "org-other", "i-1"))))
                    .isEqualTo(RejectionCode.WRONG_ORGANIZATION);
        }

        @Test
        void deletionIsFinal() {
            DeleteInstance delete = new DeleteInstance("r-4", "org-1", "i-1");
            InstanceState deleted = given(request("HOBBYIST", Engine.POSTGRESQL), up("i-1-n1", "a"), delete);
            assertThat(when(deleted, delete)).isEmpty();
            assertThat(code(when(deleted, new ChangePlan("r-5", "org-1", "i-1", "STARTUP-4"))))
                    .isEqualTo(RejectionCode.INSTANCE_DELETED);
            assertThat(when(deleted, up("i-1-n1", "a"))).isEmpty();
        }
    }

    /** Node {@code node} of i-1 up behind the local data plane's endpoint. */
    private static RecordNodeProvisioned upBehindEndpoint(String node, String zone) {
        return new RecordNodeProvisioned("i-1", node, "localhost", "127.0.0.1:" + (7000 + node.length()), zone,
                "127.0.0.1", 6432);
    }

    private static InstanceCommand.RecordProvisioningFailure failed(String node, int attempt, boolean retryable) {
        return new InstanceCommand.RecordProvisioningFailure("i-1", node, attempt,
                retryable ? "initdb: could not create directory: No space left on device"
                        : "capacity: the local data plane runs 12 nodes at most", retryable);
    }

    /** Decides each command in turn from {@code state}; returns every event, leaves the state in {@code holder}. */
    private List<InstanceEvent> run(InstanceState[] holder, InstanceCommand... commands) {
        List<InstanceEvent> all = new ArrayList<>();
        for (InstanceCommand c : commands) {
            for (InstanceEvent e : decider.decide(c, holder[0], T)) {
                holder[0] = decider.evolve(holder[0], e);
                all.add(e);
            }
        }
        return all;
    }

    @Nested
    @DisplayName("a real data plane: its endpoint, and nodes it could not start")
    class DataPlane {

        @Test
        void givenAnEndpointReported_whenReady_thenItsPortAndAddressArePublished() {
            InstanceState[] s = {given(request("PREMIUM-8", Engine.POSTGRESQL))};
            List<InstanceEvent> events = run(s, upBehindEndpoint("i-1-n1", "a"), upBehindEndpoint("i-1-n2", "b"),
                    upBehindEndpoint("i-1-n3", "c"));
            assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(Ready.class, r -> {
                assertThat(r.port()).isEqualTo(6432);
                assertThat(r.endpointAddress()).isEqualTo("127.0.0.1");
                assertThat(r.serviceHost()).endsWith(InstanceDecider.HOST_DOMAIN);
            });
            assertThat(s[0].topology().endpoint()).isEqualTo(new InstanceState.Endpoint("127.0.0.1", 6432));
        }

        @Test
        void givenARetryableFailure_whenAttemptsAreLeft_thenTheSameNodeIsAskedAgainAtTheCurrentEpoch() {
            InstanceState[] s = {given(request("PREMIUM-8", Engine.POSTGRESQL), up("i-1-n1", "a"))};
            List<InstanceEvent> events = run(s, failed("i-1-n2", 1, true));
            assertThat(events).extracting(e -> e.getClass().getSimpleName())
                    .containsExactly("NodeFailureRecorded", "NodeRequested");
            assertThat((NodeRequested) events.get(1)).satisfies(n -> {
                assertThat(n.nodeId()).isEqualTo("i-1-n2");
                assertThat(n.attempt()).isEqualTo(2);
                assertThat(n.role()).isEqualTo(NodeRole.STANDBY);
                assertThat(n.epoch()).isEqualTo(1);
                assertThat(n.zone()).isEqualTo(s[0].topology().nodes().get(1).zone());
            });
            assertThat(s[0].topology().nodes()).as("asked again, not added again").hasSize(3);
            assertThat(s[0].status()).isEqualTo(Status.PROVISIONING);

            List<InstanceEvent> upNow = run(s, up("i-1-n2", "b"), up("i-1-n3", "c"));
            assertThat(upNow.get(upNow.size() - 1)).isInstanceOf(Ready.class);
            assertThat(s[0].retries().failures()).as("a node that runs has no failure left").isEmpty();
            assertThat(s[0].retries().attempts()).isEmpty();
        }

        @Test
        void givenTheThirdAttemptFails_thenTheInstanceFailsWithTheDataPlanesReason() {
            InstanceState[] s = {given(request("BUSINESS-4", Engine.POSTGRESQL))};
            run(s, failed("i-1-n2", 1, true));
            List<InstanceEvent> second = run(s, failed("i-1-n2", 2, true));
            assertThat(second).filteredOn(NodeRequested.class::isInstance).singleElement()
                    .satisfies(n -> assertThat(((NodeRequested) n).attempt()).isEqualTo(3));
            List<InstanceEvent> third = run(s, failed("i-1-n2", 3, true));
            assertThat(third).noneMatch(NodeRequested.class::isInstance);
            assertThat(third.get(third.size() - 1)).isInstanceOfSatisfying(InstanceEvent.Failed.class, f -> {
                assertThat(f.nodeId()).isEqualTo("i-1-n2");
                assertThat(f.organizationId()).isEqualTo("org-1");
                assertThat(f.reason()).contains("attempt 3 of 3")
                        .endsWith("initdb: could not create directory: No space left on device");
            });
            assertThat(s[0].status()).isEqualTo(Status.FAILED);
            assertThat(s[0].failureReason()).contains("No space left on device");
        }

        @Test
        void givenAFailureThatIsNotRetryable_thenTheInstanceFailsAtOnce() {
            InstanceState[] s = {given(request("HOBBYIST", Engine.POSTGRESQL))};
            List<InstanceEvent> events = run(s, failed("i-1-n1", 1, false));
            assertThat(events).extracting(e -> e.getClass().getSimpleName())
                    .containsExactly("NodeFailureRecorded", "Failed");
            assertThat(((InstanceEvent.Failed) events.get(1)).reason()).contains("not retryable")
                    .endsWith("capacity: the local data plane runs 12 nodes at most");
        }

        @Test
        void givenAFailedInstance_thenChangesAreRefusedWithTheReasonAndDeletionIsAllowed() {
            RequestInstance trial = request("HOBBYIST", Engine.POSTGRESQL).withTrialEndsAt(T.plusSeconds(60));
            InstanceState[] s = {given(trial)};
            run(s, failed("i-1-n1", 1, false));
            List<InstanceEvent> change = when(s[0], new ChangePlan("r-up", "org-1", "i-1", "STARTUP-4"));
            assertThat(code(change)).isEqualTo(RejectionCode.INSTANCE_FAILED);
            assertThat(((Rejected) change.get(0)).message()).contains("capacity").contains("deleted");
            assertThat(InstanceDecider.due("i-1", s[0], T.plusSeconds(3600))).as("a failed trial is not suspended")
                    .isEmpty();
            assertThat(when(s[0], up("i-1-n1", "a"))).as("a node up too late serves nothing")
                    .noneMatch(Ready.class::isInstance);
            assertThat(when(s[0], new DeleteInstance("r-del", "org-1", "i-1"))).singleElement()
                    .isInstanceOf(InstanceEvent.Deleted.class);
        }

        @Test
        void givenAFailureOfAnEarlierAttemptOrOfANodeThatRuns_thenNothingHappens() {
            InstanceState[] s = {given(request("BUSINESS-4", Engine.POSTGRESQL), up("i-1-n1", "a"))};
            run(s, failed("i-1-n2", 1, true));
            assertThat(when(s[0], failed("i-1-n2", 1, true))).as("the same failure again").isEmpty();
            assertThat(when(s[0], failed("i-1-n2", 1, false))).as("an earlier attempt's").isEmpty();
            assertThat(when(s[0], failed("i-1-n1", 1, false))).as("a node that runs").isEmpty();
            assertThat(when(s[0], failed("i-1-n9", 1, false))).as("a node never asked for").isEmpty();
        }

        @Test
        void givenAServingInstance_whenAReplacementFailsEveryAttempt_thenItIsRetriedAndTheInstanceStaysReady() {
            InstanceState[] s = {ready(request("PREMIUM-8", Engine.POSTGRESQL))};
            run(s, new InstanceCommand.RecordPromotion("i-1", "i-1-n2", 2),
                    new InstanceCommand.RecordReplacement("i-1", "i-1-n1", "i-1-r1", NodeRole.STANDBY, "a", 2));
            List<InstanceEvent> retried = run(s, failed("i-1-r1", 1, true));
            assertThat(retried).filteredOn(NodeRequested.class::isInstance).singleElement().satisfies(e -> {
                NodeRequested n = (NodeRequested) e;
                assertThat(n.nodeId()).isEqualTo("i-1-r1");
                assertThat(n.attempt()).isEqualTo(2);
                assertThat(n.epoch()).isEqualTo(2);
            });
            List<InstanceEvent> last = run(s, failed("i-1-r1", 2, true), failed("i-1-r1", 3, true));
            assertThat(last).noneMatch(InstanceEvent.Failed.class::isInstance);
            assertThat(s[0].status()).isEqualTo(Status.READY);
            assertThat(s[0].retries().failures()).singleElement().satisfies(f -> {
                assertThat(f.nodeId()).isEqualTo("i-1-r1");
                assertThat(f.attempt()).isEqualTo(3);
                assertThat(f.gaveUp()).isTrue();
            });
        }

        @Test
        void givenAFailureReadBeforeTheRequest_thenDecidedWhenTheRequestIsRead() {
            InstanceState early = given(failed("i-1-n1", 1, true));
            assertThat(early.early().failures()).hasSize(1);
            List<InstanceEvent> events = when(early, request("HOBBYIST", Engine.POSTGRESQL));
            assertThat(events).extracting(e -> e.getClass().getSimpleName())
                    .containsExactly("Accepted", "NodeRequested", "NodeFailureRecorded", "NodeRequested");
            assertThat(((NodeRequested) events.get(3)).attempt()).isEqualTo(2);
            InstanceState after = early;
            for (InstanceEvent e : events) {
                after = decider.evolve(after, e);
            }
            assertThat(after.early().failures()).isEmpty();
        }
    }

    @Nested
    @DisplayName("a replaced node that rejoins")
    class Rejoin {

        /** Premium, its primary n1 lost: n2 promoted at epoch 2, r1 asked for in n1's place. */
        private InstanceState[] failedOver() {
            InstanceState[] s = {ready(request("PREMIUM-8", Engine.POSTGRESQL))};
            run(s, new InstanceCommand.RecordPromotion("i-1", "i-1-n2", 2),
                    new InstanceCommand.RecordReplacement("i-1", "i-1-n1", "i-1-r1", NodeRole.STANDBY, "a", 2));
            return s;
        }

        @Test
        void givenTheLostPrimaryRejoins_whenItsReplacementIsCancelled_thenReadyWithTheNodesAsTheyAre() {
            InstanceState[] s = failedOver();
            String host = "i-1-n1.host";
            List<InstanceEvent> rejoined = run(s, new InstanceCommand.RecordRejoin("i-1", "i-1-n1", 2, null, null));
            assertThat(rejoined).extracting(e -> e.getClass().getSimpleName()).as("r1 is not up: not ready yet")
                    .containsExactly("NodeRejoined");
            List<InstanceEvent> cancelled = run(s,
                    new InstanceCommand.RecordCancellation("i-1", "i-1-r1", "i-1-n1", 2));
            assertThat(cancelled).extracting(e -> e.getClass().getSimpleName())
                    .containsExactly("ReplacementDropped", "Ready");
            Ready again = (Ready) cancelled.get(1);
            assertThat(again.nodes()).extracting(InstanceEvent.Node::nodeId, InstanceEvent.Node::role)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("i-1-n1", NodeRole.STANDBY),
                            org.assertj.core.groups.Tuple.tuple("i-1-n2", NodeRole.PRIMARY),
                            org.assertj.core.groups.Tuple.tuple("i-1-n3", NodeRole.STANDBY));
            assertThat(again.nodes()).filteredOn(n -> n.nodeId().equals("i-1-n1")).singleElement()
                    .satisfies(n -> {
                        assertThat(n.host()).as("the address it had").isEqualTo(host);
                        assertThat(n.ip()).isNotNull();
                    });
            assertThat(s[0].topology().replacements()).doesNotContain("i-1-r1");
            assertThat(when(s[0], new InstanceCommand.RecordCancellation("i-1", "i-1-r1", "i-1-n1", 2)))
                    .as("cancelled once").isEmpty();
            assertThat(when(s[0], new InstanceCommand.RecordRejoin("i-1", "i-1-n1", 2, null, null)))
                    .as("rejoined once").isEmpty();
        }

        @Test
        void givenTheReplacementIsUpAlready_whenTheNodeRejoins_thenReadyWithBothThenWithoutTheCancelledOne() {
            InstanceState[] s = failedOver();
            run(s, new RecordNodeProvisioned("i-1", "i-1-r1", "r1.host", "10.0.0.99", "a"));
            List<InstanceEvent> rejoined = run(s, new InstanceCommand.RecordRejoin("i-1", "i-1-n1", 2, "10.0.0.5",
                    "a"));
            assertThat(((Ready) rejoined.get(rejoined.size() - 1)).nodes()).hasSize(4);
            List<InstanceEvent> cancelled = run(s,
                    new InstanceCommand.RecordCancellation("i-1", "i-1-r1", "i-1-n1", 2));
            assertThat(((Ready) cancelled.get(cancelled.size() - 1)).nodes()).extracting(InstanceEvent.Node::nodeId)
                    .containsExactlyInAnyOrder("i-1-n1", "i-1-n2", "i-1-n3");
            assertThat(s[0].topology().nodes()).filteredOn(n -> n.nodeId().equals("i-1-n1")).singleElement()
                    .satisfies(n -> assertThat(n.ip()).isEqualTo("10.0.0.5"));
        }

        @Test
        void theNewPrimaryIsNeverCancelledAndADeletedInstanceChangesNoMore() {
            InstanceState[] s = failedOver();
            assertThat(when(s[0], new InstanceCommand.RecordCancellation("i-1", "i-1-n2", "i-1-n1", 2))).isEmpty();
            run(s, new DeleteInstance("r-del", "org-1", "i-1"));
            assertThat(when(s[0], new InstanceCommand.RecordRejoin("i-1", "i-1-n1", 2, null, null))).isEmpty();
            assertThat(when(s[0], new InstanceCommand.RecordCancellation("i-1", "i-1-r1", "i-1-n1", 2))).isEmpty();
        }
    }

    @Nested
    @DisplayName("the instance stage checks requests again")
    class Guard {

        @Test
        void aRequestTheCatalogNoLongerOffersIsRejectedNotCrashed() {
            assertThat(code(when(given(), request("RETIRED-PLAN", Engine.MYSQL)))).isEqualTo(RejectionCode.UNKNOWN_PLAN);
        }
    }
}
