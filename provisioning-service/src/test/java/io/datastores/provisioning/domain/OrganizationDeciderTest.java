package io.datastores.provisioning.domain;

import static io.datastores.provisioning.domain.Fixtures.CATALOG;
import static io.datastores.provisioning.domain.Fixtures.T;
import static io.datastores.provisioning.domain.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.datastores.provisioning.domain.InstanceCommand.ChangePlan;
import io.datastores.provisioning.domain.InstanceCommand.RequestInstance;
import io.datastores.provisioning.domain.OrganizationCommand.ChangeTier;
import io.datastores.provisioning.domain.OrganizationCommand.Outcome;
import io.datastores.provisioning.domain.OrganizationCommand.RecordOutcome;
import io.datastores.provisioning.domain.OrganizationCommand.Screen;
import io.datastores.provisioning.domain.OrganizationEvent.Admitted;
import io.datastores.provisioning.domain.OrganizationEvent.Refused;

class OrganizationDeciderTest {

    private final OrganizationDecider decider = new OrganizationDecider(CATALOG);
    private static final OrganizationCommand PAID = new ChangeTier("org-1", OrganizationTier.PAID);

    private OrganizationState given(OrganizationCommand... commands) {
        OrganizationState state = decider.initialState();
        for (OrganizationCommand c : commands) {
            for (OrganizationEvent e : decider.decide(c, state, T)) {
                state = decider.evolve(state, e);
            }
        }
        return state;
    }

    private List<OrganizationEvent> when(OrganizationState state, OrganizationCommand c) {
        return decider.decide(c, state, T);
    }

    private static RejectionCode refused(List<OrganizationEvent> events) {
        assertThat(events).singleElement().isInstanceOf(Refused.class);
        return ((Refused) events.get(0)).code();
    }

    private static RequestInstance admittedRequest(List<OrganizationEvent> events) {
        return (RequestInstance) ((Admitted) events.get(events.size() - 1)).command();
    }

    private static RecordOutcome accepted(RequestInstance r) {
        return new RecordOutcome(Outcome.ACCEPTED, r.instanceId(), r.requestId(), r.plan(), r.trialEndsAt() != null);
    }

    @Nested
    @DisplayName("entitlement")
    class Entitlements {

        @Test
        void givenAPaidOrganization_thenEveryPlanAndNoTrial() {
            RequestInstance admitted = admittedRequest(when(given(PAID), new Screen(request("PREMIUM-8",
                    Engine.POSTGRESQL))));
            assertThat(admitted.trialEndsAt()).isNull();
        }

        @Test
        void givenAFreeOrganization_thenHobbyistOnlyAsASevenDayTrial() {
            RequestInstance admitted = admittedRequest(when(given(), new Screen(request("HOBBYIST", Engine.MYSQL))));
            assertThat(admitted.trialEndsAt()).isEqualTo(T.plus(Entitlement.TRIAL));
            assertThat(refused(when(given(), new Screen(request("STARTUP-4", Engine.MYSQL)))))
                    .isEqualTo(RejectionCode.NOT_ENTITLED);
            assertThat(refused(when(given(), new Screen(new ChangePlan("r", "org-1", "i-1", "BUSINESS-4")))))
                    .isEqualTo(RejectionCode.NOT_ENTITLED);
        }

        @Test
        void givenTrials_whenTheOrganizationPays_thenEachTrialIsLifted() {
            RequestInstance a = admittedRequest(when(given(), new Screen(request("i-1", "a", Engine.MYSQL, "HOBBYIST"))));
            RequestInstance b = admittedRequest(when(given(), new Screen(request("i-2", "b", Engine.MYSQL, "HOBBYIST"))));
            OrganizationState free = given(new Screen(a), accepted(a), new Screen(b), accepted(b));
            List<OrganizationEvent> events = when(free, PAID);
            assertThat(events).filteredOn(OrganizationEvent.TrialLifted.class::isInstance)
                    .extracting(e -> ((OrganizationEvent.TrialLifted) e).instanceId()).containsExactly("i-1", "i-2");
            assertThat(when(given(PAID), PAID)).isEmpty();
        }

        @Test
        void givenAnUnknownOrganization_whenBillingSaysFree_thenItsTierIsRecorded() {
            ChangeTier free = new ChangeTier("org-1", OrganizationTier.FREE);
            assertThat(when(given(), free)).containsExactly(new OrganizationEvent.TierChanged(OrganizationTier.FREE));
            RequestInstance a = admittedRequest(when(given(), new Screen(request("i-1", "a", Engine.MYSQL, "HOBBYIST"))));
            assertThat(when(given(new Screen(a), accepted(a)), free)).as("known already: nothing changes").isEmpty();
        }
    }

    @Nested
    @DisplayName("display names, unique per organization and engine")
    class Names {

        @Test
        void givenANameInUse_whenAnotherInstanceOfTheEngineTakesIt_thenRefused() {
            RequestInstance first = request("i-1", "Orders", Engine.POSTGRESQL, "BUSINESS-4");
            OrganizationState state = given(PAID, new Screen(first));
            assertThat(refused(when(state, new Screen(request("i-2", "ORDERS", Engine.POSTGRESQL, "HOBBYIST")))))
                    .isEqualTo(RejectionCode.DISPLAY_NAME_TAKEN);
            assertThat(when(state, new Screen(request("i-3", "Orders", Engine.MYSQL, "HOBBYIST"))))
                    .last().isInstanceOf(Admitted.class);
            assertThat(when(state, new Screen(first))).singleElement().isInstanceOf(Admitted.class);
        }

        @Test
        void givenTheRequestHoldingTheNameIsRefusedDownstream_thenTheNameIsFree() {
            RequestInstance first = request("i-1", "Orders", Engine.POSTGRESQL, "BUSINESS-4");
            OrganizationState state = given(PAID, new Screen(first),
                    new RecordOutcome(Outcome.REJECTED, "i-1", first.requestId(), null, false));
            assertThat(when(state, new Screen(request("i-2", "orders", Engine.POSTGRESQL, "HOBBYIST"))))
                    .last().isInstanceOf(Admitted.class);
        }

        @Test
        void givenTheInstanceIsDeleted_thenTheNameIsFree() {
            RequestInstance first = request("i-1", "Orders", Engine.POSTGRESQL, "BUSINESS-4");
            OrganizationState accepted = given(PAID, new Screen(first), accepted(first),
                    new RecordOutcome(Outcome.REJECTED, "i-1", "some-other-request", null, false));
            assertThat(refused(when(accepted, new Screen(request("i-2", "orders", Engine.POSTGRESQL, "HOBBYIST")))))
                    .isEqualTo(RejectionCode.DISPLAY_NAME_TAKEN);
            OrganizationState deleted = given(PAID, new Screen(first), accepted(first),
                    new RecordOutcome(Outcome.DELETED, "i-1", null, null, false));
            assertThat(when(deleted, new Screen(request("i-2", "orders", Engine.POSTGRESQL, "HOBBYIST"))))
                    .last().isInstanceOf(Admitted.class);
            assertThat(deleted.instances()).isEmpty();
        }
    }

    @Nested
    @DisplayName("validation before anything is held")
    class Validation {

        @ParameterizedTest(name = "{0}")
        @CsvSource({"plaintext,PLAINTEXT_NOT_ALLOWED", "unknown plan,UNKNOWN_PLAN", "plan not for cache,PLAN_NOT_OFFERED",
                "unknown region,UNKNOWN_REGION", "bad name,INVALID_DISPLAY_NAME", "bad cidr,INVALID_CIDR",
                "bad ipv6,INVALID_CIDR", "unknown engine,UNKNOWN_ENGINE", "unknown cloud,UNKNOWN_CLOUD"})
        void everyInvalidRequestIsRefusedWithItsCode(String what, RejectionCode code) {
            RequestInstance ok = request("BUSINESS-4", Engine.MYSQL);
            RequestInstance bad = switch (what) {
                case "plaintext" -> Fixtures.with(ok, Cloud.AWS, "us-east-1", false, List.of(), null);
                case "unknown plan" -> request("GOLD-1", Engine.MYSQL);
                case "plan not for cache" -> request("STARTUP-2", Engine.CACHE);
                case "unknown region" -> Fixtures.with(ok, Cloud.AZURE, "us-east-1", true, List.of(), null);
                case "bad name" -> Fixtures.named(ok, "-" + "x".repeat(70));
                case "bad cidr" -> Fixtures.with(ok, Cloud.AWS, "us-east-1", true, List.of("10.0.0.0/40"), null);
                case "bad ipv6" -> Fixtures.with(ok, Cloud.AWS, "us-east-1", true, List.of("2001:db8:::1/64"), null);
                case "unknown engine" -> request("BUSINESS-4", null);
                default -> Fixtures.with(ok, null, "us-east-1", true, List.of(), null);
            };
            List<OrganizationEvent> events = when(given(PAID), new Screen(bad));
            assertThat(refused(events)).isEqualTo(code);
            assertThat(((Refused) events.get(0)).message()).isNotBlank();
        }
    }

    @Nested
    @DisplayName("a cap on the instances an organization holds")
    class Cap {

        private RequestInstance numbered(int n) {
            return request("i-" + n, "db " + n, Engine.POSTGRESQL, "HOBBYIST");
        }

        /** A paid organization holding the most instances it may: all accepted but the last. */
        private OrganizationState atTheCap() {
            OrganizationState state = given(PAID);
            for (int n = 1; n <= OrganizationDecider.MAX_INSTANCES; n++) {
                RequestInstance r = numbered(n);
                state = decider.fold(state, when(state, new Screen(r)));
                if (n < OrganizationDecider.MAX_INSTANCES) {
                    state = decider.fold(state, when(state, accepted(r)));
                }
            }
            return state;
        }

        @Test
        void givenAnOrganizationAtTheCap_whenAnotherInstanceIsRequested_thenRefusedWithACode() {
            OrganizationState full = atTheCap();
            assertThat(full.held()).isEqualTo(OrganizationDecider.MAX_INSTANCES);
            List<OrganizationEvent> events = when(full, new Screen(numbered(1_001)));
            assertThat(refused(events)).isEqualTo(RejectionCode.TOO_MANY_INSTANCES);
            assertThat(((Refused) events.get(0)).message()).contains("1000");
        }

        @Test
        void givenAnOrganizationAtTheCap_whenAHeldRequestIsRetried_thenAdmittedAgain() {
            OrganizationState full = atTheCap();
            RequestInstance pending = numbered(OrganizationDecider.MAX_INSTANCES);
            assertThat(when(full, new Screen(pending))).singleElement()
                    .isInstanceOf(Admitted.class);
        }

        @Test
        void givenAnOrganizationAtTheCap_whenOneIsDeleted_thenAnotherIsAdmitted() {
            OrganizationState full = atTheCap();
            RequestInstance gone = numbered(7);
            OrganizationState freed = decider.fold(full, when(full, new RecordOutcome(
                    Outcome.DELETED, gone.instanceId(), "r-del", gone.plan(), false)));
            assertThat(freed.held()).isEqualTo(OrganizationDecider.MAX_INSTANCES - 1);
            assertThat(when(freed, new Screen(numbered(1_001))))
                    .last().isInstanceOf(Admitted.class);
        }

        @Test
        void givenAnOrganizationAtTheCap_whenAPlanChangeIsRequested_thenAdmitted() {
            OrganizationState full = atTheCap();
            assertThat(when(full, new Screen(new ChangePlan("r-up", "org-1", "i-1",
                    "BUSINESS-4")))).singleElement().isInstanceOf(Admitted.class);
        }
    }
}
