package io.datastores.provisioning.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.datastores.provisioning.config.CatalogLoader;
import io.datastores.provisioning.domain.InstanceCommand.ChangeAllowlist;
import io.datastores.provisioning.domain.InstanceCommand.ChangePlan;
import io.datastores.provisioning.domain.InstanceCommand.DeleteInstance;
import io.datastores.provisioning.domain.InstanceCommand.RecordNodeProvisioned;
import io.datastores.provisioning.domain.InstanceCommand.RequestInstance;
import io.datastores.provisioning.domain.InstanceEvent.Accepted;
import io.datastores.provisioning.domain.InstanceEvent.NodeRequested;
import io.datastores.provisioning.domain.InstanceEvent.Ready;
import io.datastores.provisioning.domain.InstanceEvent.Rejected;

class InstanceDeciderTest {

    static final Catalog CATALOG = load();
    private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");
    private final InstanceDecider decider = new InstanceDecider(CATALOG);

    static Catalog load() {
        try (InputStream in = InstanceDeciderTest.class.getResourceAsStream("/catalog.json")) {
            return CatalogLoader.read(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static RequestInstance request(String plan, Engine engine) {
        return new RequestInstance("r-1", "org-1", "i-1", "orders db", engine, Cloud.AWS, "us-east-1", plan, true,
                List.of(), null);
    }

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

    private static RecordNodeProvisioned up(String node, String zone) {
        return new RecordNodeProvisioned("i-1", node, node + ".host", "10.0.0." + node.length(), zone);
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
                assertThat(a.serviceHost()).endsWith(".us-east-1.aws." + InstanceDecider.HOST_DOMAIN);
            });
            List<NodeRequested> nodes = events.stream().skip(1).map(NodeRequested.class::cast).toList();
            assertThat(nodes).extracting(NodeRequested::role)
                    .containsExactly(NodeRole.PRIMARY, NodeRole.STANDBY, NodeRole.STANDBY);
            assertThat(nodes).extracting(NodeRequested::zone).doesNotHaveDuplicates();
        }

        @Test
        void givenEachTier_whenRequested_thenNodeCountFollowsThePlan() {
            assertThat(nodeCount("HOBBYIST")).isEqualTo(1);
            assertThat(nodeCount("STARTUP-4")).isEqualTo(1);
            assertThat(nodeCount("BUSINESS-16")).isEqualTo(2);
            assertThat(nodeCount("PREMIUM-4")).isEqualTo(3);
        }

        private long nodeCount(String plan) {
            return when(given(), request(plan, Engine.MYSQL)).stream().filter(NodeRequested.class::isInstance).count();
        }

        @Test
        void givenAllNodesUp_whenTheLastReports_thenReadyWithTheConnectionLimitAndNodes() {
            InstanceState state = given(request("BUSINESS-16", Engine.POSTGRESQL), up("i-1-n1", "us-east-1a"));
            List<InstanceEvent> events = when(state, up("i-1-n2", "us-east-1b"));
            assertThat(events).last().isInstanceOfSatisfying(Ready.class, r -> {
                assertThat(r.connectionLimit()).isEqualTo(400);
                assertThat(r.tlsRequired()).isTrue();
                assertThat(r.port()).isEqualTo(5432);
                assertThat(r.nodes()).extracting(InstanceEvent.Node::ip).doesNotContainNull();
                assertThat(r.commandPolicy()).isNull();
            });
        }

        @Test
        void givenOneOfTwoNodesUp_whenNothingElse_thenNotReady() {
            List<InstanceEvent> events = when(given(request("BUSINESS-4", Engine.POSTGRESQL)), up("i-1-n1", "a"));
            assertThat(events).noneMatch(Ready.class::isInstance);
        }

        @Test
        void givenReady_whenANodeReportsAgain_thenNothingHappens() {
            InstanceState ready = given(request("HOBBYIST", Engine.POSTGRESQL), up("i-1-n1", "us-east-1a"));
            assertThat(ready.status()).isEqualTo(InstanceState.Status.READY);
            assertThat(when(ready, up("i-1-n1", "us-east-1a"))).isEmpty();
        }

        @Test
        void givenSameRequestId_whenRetried_thenOneInstance() {
            assertThat(when(given(request("HOBBYIST", Engine.MYSQL)), request("HOBBYIST", Engine.MYSQL))).isEmpty();
        }

        @Test
        void givenAnotherRequestForTheSameInstanceId_thenRejectedAsExisting() {
            RequestInstance other = new RequestInstance("r-2", "org-1", "i-1", "x", Engine.MYSQL, Cloud.AWS,
                    "us-east-1", "HOBBYIST", true, List.of(), null);
            assertThat(when(given(request("HOBBYIST", Engine.MYSQL)), other)).singleElement()
                    .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.code()).isEqualTo(RejectionCode.INSTANCE_EXISTS));
        }
    }

    @Nested
    @DisplayName("connection limits and access")
    class Access {

        private Ready readyOf(String plan, Engine engine, Boolean scripting) {
            RequestInstance r = new RequestInstance("r-1", "org-1", "i-1", "db", engine, Cloud.GCP, "us-central1",
                    plan, true, List.of(), scripting);
            InstanceState state = given(r);
            List<InstanceEvent> events = new ArrayList<>();
            for (InstanceEvent.Node n : state.nodes()) {
                List<InstanceEvent> out = decider.decide(up(n.nodeId(), n.zone()), state, T);
                for (InstanceEvent e : out) {
                    state = decider.evolve(state, e);
                }
                events.addAll(out);
            }
            return (Ready) events.get(events.size() - 1);
        }

        @Test
        void postgresLimitsComeFromThePlanTable() {
            assertThat(readyOf("HOBBYIST", Engine.POSTGRESQL, null).connectionLimit()).isEqualTo(25);
            assertThat(readyOf("STARTUP-4", Engine.POSTGRESQL_VECTOR, null).connectionLimit()).isEqualTo(100);
            assertThat(readyOf("PREMIUM-8", Engine.POSTGRESQL, null).connectionLimit()).isEqualTo(200);
        }

        @Test
        void mysqlLimitsFollowTheRamFormula() {
            assertThat(readyOf("STARTUP-2", Engine.MYSQL, null).connectionLimit()).isEqualTo(151);
            assertThat(readyOf("BUSINESS-8", Engine.MYSQL, null).connectionLimit()).isEqualTo(801);
        }

        @Test
        void cacheLimitIsFourPerMegabyteButNeverUnderTenThousand() {
            assertThat(readyOf("PREMIUM-4", Engine.CACHE, null).connectionLimit()).isEqualTo(16_384);
            assertThat(readyOf("HOBBYIST", Engine.CACHE, null).connectionLimit()).isEqualTo(10_000);
        }

        @Test
        void cachePublishesItsCommandPolicyWithScriptingOnByDefault() {
            Ready byDefault = readyOf("HOBBYIST", Engine.CACHE, null);
            assertThat(byDefault.commandPolicy().scriptingEnabled()).isTrue();
            assertThat(byDefault.commandPolicy().disabledCommands()).contains("config", "fcall", "shutdown")
                    .doesNotContain("eval");
            Ready noScripts = readyOf("HOBBYIST", Engine.CACHE, false);
            assertThat(noScripts.commandPolicy().disabledCommands()).contains("eval", "evalsha", "script");
        }
    }

    @Nested
    @DisplayName("refusals say why")
    class Refusals {

        private RejectionCode codeOf(RequestInstance r) {
            return ((Rejected) when(given(), r).get(0)).code();
        }

        @Test
        void plaintextUnknownPlanRegionNameAndCidr() {
            RequestInstance ok = request("HOBBYIST", Engine.MYSQL);
            assertThat(codeOf(new RequestInstance("r", "o", "i-1", "db", Engine.MYSQL, Cloud.AWS, "us-east-1",
                    "HOBBYIST", false, List.of(), null))).isEqualTo(RejectionCode.PLAINTEXT_NOT_ALLOWED);
            assertThat(codeOf(new RequestInstance("r", "o", "i-1", "db", Engine.MYSQL, Cloud.AWS, "us-east-1",
                    "GOLD-9", true, List.of(), null))).isEqualTo(RejectionCode.UNKNOWN_PLAN);
            assertThat(codeOf(new RequestInstance("r", "o", "i-1", "db", Engine.MYSQL, Cloud.DIGITALOCEAN,
                    "us-east-1", "HOBBYIST", true, List.of(), null))).isEqualTo(RejectionCode.UNKNOWN_REGION);
            assertThat(codeOf(new RequestInstance("r", "o", "i-1", "  ", Engine.MYSQL, Cloud.AWS, "us-east-1",
                    "HOBBYIST", true, List.of(), null))).isEqualTo(RejectionCode.INVALID_DISPLAY_NAME);
            Rejected cidr = (Rejected) when(given(), new RequestInstance("r", "o", "i-1", "db", Engine.MYSQL,
                    Cloud.AWS, "us-east-1", "HOBBYIST", true, List.of("10.0.0.0/33"), null)).get(0);
            assertThat(cidr.code()).isEqualTo(RejectionCode.INVALID_CIDR);
            assertThat(cidr.message()).contains("/33");
            assertThat(when(given(), ok).get(0)).isInstanceOf(Accepted.class);
        }

        @Test
        void requestsAboutUnknownOrForeignInstancesAreRejected() {
            assertThat(when(given(), new DeleteInstance("r-9", "org-1", "i-1"))).singleElement()
                    .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.code()).isEqualTo(RejectionCode.UNKNOWN_INSTANCE));
            InstanceState ready = given(request("HOBBYIST", Engine.MYSQL), up("i-1-n1", "us-east-1a"));
            assertThat(when(ready, new DeleteInstance("r-9", "org-other", "i-1"))).singleElement()
                    .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.code()).isEqualTo(RejectionCode.WRONG_ORGANIZATION));
            assertThat(when(given(), up("x-n1", "z"))).singleElement()
                    .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.code()).isEqualTo(RejectionCode.UNKNOWN_INSTANCE));
        }

        @Test
        void aPlanChangeWhileProvisioningIsRejectedAndMayBeRetriedLater() {
            InstanceState provisioning = given(request("BUSINESS-4", Engine.POSTGRESQL));
            ChangePlan change = new ChangePlan("r-2", "org-1", "i-1", "PREMIUM-4");
            assertThat(((Rejected) when(provisioning, change).get(0)).code()).isEqualTo(RejectionCode.INSTANCE_NOT_READY);
            InstanceState ready = given(request("BUSINESS-4", Engine.POSTGRESQL), change, up("i-1-n1", "a"),
                    up("i-1-n2", "b"));
            List<InstanceEvent> retried = when(ready, change);
            assertThat(retried.get(0)).isInstanceOf(InstanceEvent.PlanChanged.class);
            assertThat(retried).filteredOn(NodeRequested.class::isInstance).hasSize(1);
        }
    }

    @Nested
    @DisplayName("changes to a ready instance")
    class Changes {

        private final InstanceState ready = given(request("HOBBYIST", Engine.POSTGRESQL), up("i-1-n1", "us-east-1a"));

        @Test
        void allowlistChangesAreValidatedAndAppliedOnce() {
            ChangeAllowlist change = new ChangeAllowlist("r-3", "org-1", "i-1", List.of("2001:db8::/48"));
            assertThat(when(ready, change)).singleElement().isInstanceOf(InstanceEvent.AllowlistChanged.class);
            assertThat(when(given(request("HOBBYIST", Engine.POSTGRESQL), up("i-1-n1", "us-east-1a"), change), change))
                    .isEmpty();
        }

        @Test
        void deletionIsFinal() {
            DeleteInstance delete = new DeleteInstance("r-4", "org-1", "i-1");
            assertThat(when(ready, delete)).singleElement().isInstanceOf(InstanceEvent.Deleted.class);
            InstanceState deleted = given(request("HOBBYIST", Engine.POSTGRESQL), up("i-1-n1", "us-east-1a"), delete);
            assertThat(((Rejected) when(deleted, new ChangePlan("r-5", "org-1", "i-1", "STARTUP-4")).get(0)).code())
                    .isEqualTo(RejectionCode.INSTANCE_DELETED);
        }
    }
}
