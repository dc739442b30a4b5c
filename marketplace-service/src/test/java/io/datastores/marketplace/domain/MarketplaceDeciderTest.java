package io.datastores.marketplace.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.datastores.marketplace.domain.MarketplaceCommand.AddListing;
import io.datastores.marketplace.domain.MarketplaceCommand.AdminIssued;
import io.datastores.marketplace.domain.MarketplaceCommand.ConcludeVerification;
import io.datastores.marketplace.domain.MarketplaceCommand.ExpireVerification;
import io.datastores.marketplace.domain.MarketplaceCommand.Connect;
import io.datastores.marketplace.domain.MarketplaceCommand.CredentialKind;
import io.datastores.marketplace.domain.MarketplaceCommand.DeleteCredential;
import io.datastores.marketplace.domain.MarketplaceCommand.Disconnect;
import io.datastores.marketplace.domain.MarketplaceCommand.Forget;
import io.datastores.marketplace.domain.MarketplaceCommand.ImportCredential;
import io.datastores.marketplace.domain.MarketplaceCommand.Know;
import io.datastores.marketplace.domain.MarketplaceCommand.RemoveListing;
import io.datastores.marketplace.domain.MarketplaceCommand.Serve;
import io.datastores.marketplace.domain.MarketplaceEvent.AdminPasswordIssued;
import io.datastores.marketplace.domain.MarketplaceEvent.ConnectionCreated;
import io.datastores.marketplace.domain.MarketplaceEvent.VerificationRequested;
import io.datastores.marketplace.domain.MarketplaceEvent.ConnectionRemoved;
import io.datastores.marketplace.domain.MarketplaceEvent.CredentialDeleted;
import io.datastores.marketplace.domain.MarketplaceEvent.CredentialImported;
import io.datastores.marketplace.domain.MarketplaceEvent.ListingAdded;
import io.datastores.marketplace.domain.MarketplaceEvent.ListingRemoved;
import io.datastores.marketplace.domain.MarketplaceEvent.Rejected;
import io.datastores.marketplace.domain.MarketplaceEvent.RejectionCode;
import io.datastores.marketplace.domain.MarketplaceEvent.SecretShredded;

class MarketplaceDeciderTest {

    static final Instant T = Instant.parse("2026-11-22T10:00:00Z");
    static final byte[] SECRET = {1, 2, 3, 4};
    /** A connection's own sealed copy of the password. */
    static final byte[] COPY = {5, 6, 7, 8};

    private final MarketplaceDecider decider = new MarketplaceDecider();
    private MarketplaceState state = decider.initialState();
    private int seq;

    private List<MarketplaceEvent> when(MarketplaceCommand c) {
        List<MarketplaceEvent> events = decider.decide(c, state, T);
        for (MarketplaceEvent e : events) {
            state = decider.evolve(state, e);
        }
        return events;
    }

    private String req() {
        return "r" + (++seq);
    }

    private void serving() {
        when(new Know("acme", "orders", Engine.POSTGRESQL, "BUSINESS-4", Cloud.AWS, "us-east-1"));
        when(new Serve("orders.db", 5432, true, null));
    }

    private List<MarketplaceEvent> created(String id, String name, String env) {
        return when(new ImportCredential(req(), "acme", id, CredentialKind.CREATED, name, env, "app", SECRET));
    }

    /** The code of a refusal (followed, at most, by the end of the secret the request brought). */
    private RejectionCode code(List<MarketplaceEvent> events) {
        assertThat(events).isNotEmpty().hasSizeLessThanOrEqualTo(2);
        assertThat(events.get(0)).isInstanceOf(Rejected.class);
        assertThat(events.subList(1, events.size())).allMatch(SecretShredded.class::isInstance);
        return ((Rejected) events.get(0)).code();
    }

    private List<MarketplaceEvent> connect(String id, String env, String credential) {
        return when(new Connect(req(), "acme", id, "billing-api", env, credential, null, COPY));
    }

    /** The key ids the events shred. */
    private static List<String> shreds(List<MarketplaceEvent> events) {
        return events.stream().filter(SecretShredded.class::isInstance).map(e -> ((SecretShredded) e).keyId())
                .toList();
    }

    @Nested
    @DisplayName("credentials")
    class Credentials {

        @Test
        void createdCredentialKeepsItsEncryptedSecretAndUsername() {
            serving();
            List<MarketplaceEvent> out = created("c1", "app", "prod");
            assertThat(out).singleElement().isInstanceOfSatisfying(CredentialImported.class, c -> {
                assertThat(c.username()).isEqualTo("app");
                assertThat(c.encryptedSecret()).isEqualTo(SECRET);
                assertThat(c.organizationId()).isEqualTo("acme");
            });
        }

        @Test
        void superAdminTakesOnlyNameAndEnvironment() {
            serving();
            assertThat(when(new ImportCredential(req(), "acme", "c1", CredentialKind.SUPER_ADMIN, "root", "prod", null,
                    null))).singleElement().isInstanceOfSatisfying(CredentialImported.class,
                            c -> assertThat(c.username()).isEqualTo(MarketplaceDecider.SUPER_ADMIN_USER));
            assertThat(code(when(new ImportCredential(req(), "acme", "c2", CredentialKind.SUPER_ADMIN, "x", "prod",
                    "u", SECRET)))).isEqualTo(RejectionCode.INVALID_REQUEST);
        }

        @Test
        void refusals() {
            assertThat(code(created("c0", "app", "prod"))).isEqualTo(RejectionCode.UNKNOWN_INSTANCE);
            serving();
            assertThat(code(when(new ImportCredential(req(), "acme", "c1", CredentialKind.CREATED, "app", "prod", "",
                    SECRET)))).isEqualTo(RejectionCode.INVALID_REQUEST);
            assertThat(code(when(new ImportCredential(req(), "other-org", "c1", CredentialKind.CREATED, "app", "prod",
                    "u", SECRET)))).isEqualTo(RejectionCode.WRONG_ORGANIZATION);
            created("c1", "app", "prod");
            assertThat(code(created("c2", "APP", "prod"))).isEqualTo(RejectionCode.DUPLICATE_CREDENTIAL_NAME);
            assertThat(created("c3", "app", "staging")).singleElement().isInstanceOf(CredentialImported.class);
        }

        @Test
        void theSameImportTwiceHasOneEffect() {
            serving();
            ImportCredential c = new ImportCredential("r-x", "acme", "c1", CredentialKind.CREATED, "app", "prod", "u",
                    SECRET);
            assertThat(when(c)).hasSize(1);
            assertThat(when(c)).isEmpty();
        }

        @Test
        void deletingDropsTheCiphertextFromState() {
            serving();
            created("c1", "app", "prod");
            when(new DeleteCredential(req(), "acme", "c1"));
            assertThat(state.credential("c1")).get().satisfies(c -> {
                assertThat(c.active()).isFalse();
                assertThat(c.encryptedSecret()).isNull();
            });
            assertThat(code(when(new DeleteCredential(req(), "acme", "nope")))).isEqualTo(
                    RejectionCode.UNKNOWN_CREDENTIAL);
        }

        @Test
        void anOperatorActsOnAnyOrganization() {
            serving();
            assertThat(when(new ImportCredential(req(), null, "c1", CredentialKind.CREATED, "app", "prod", "u",
                    SECRET))).singleElement().isInstanceOf(CredentialImported.class);
        }
    }

    @Nested
    @DisplayName("listing")
    class Listing {

        @Test
        void onlyWithAnActiveCredential() {
            serving();
            assertThat(code(when(new AddListing(req(), "acme")))).isEqualTo(RejectionCode.NO_ACTIVE_CREDENTIAL);
            created("c1", "app", "prod");
            assertThat(when(new AddListing(req(), "acme"))).singleElement().isInstanceOf(ListingAdded.class);
            assertThat(when(new AddListing(req(), "acme"))).as("listed already").isEmpty();
        }

        @Test
        void notForADeletedOrUnknownInstance() {
            assertThat(code(when(new AddListing(req(), "acme")))).isEqualTo(RejectionCode.UNKNOWN_INSTANCE);
            serving();
            created("c1", "app", "prod");
            when(new Forget());
            assertThat(code(when(new AddListing(req(), "acme")))).isEqualTo(RejectionCode.INSTANCE_DELETED);
        }

        @Test
        void deletingTheInstanceEndsItsListing() {
            serving();
            created("c1", "app", "prod");
            when(new AddListing(req(), "acme"));
            assertThat(when(new Forget())).hasAtLeastOneElementOfType(ListingRemoved.class);
            assertThat(state.listed()).isFalse();
        }

        @Test
        void removingWhatIsNotListedIsRefused() {
            serving();
            assertThat(code(when(new RemoveListing(req(), "acme")))).isEqualTo(RejectionCode.NOT_LISTED);
        }
    }

    @Nested
    @DisplayName("connections")
    class Connections {

        private void listedWithProdCredential() {
            serving();
            created("c1", "app", "prod");
            when(new AddListing(req(), "acme"));
        }

        @Test
        void aConnectionHandsOutItsParametersButNoSecret() {
            listedWithProdCredential();
            assertThat(connect("k1", "prod", "c1")).singleElement().isInstanceOfSatisfying(ConnectionCreated.class,
                    c -> {
                        assertThat(c.serviceHost()).isEqualTo("orders.db");
                        assertThat(c.port()).isEqualTo(5432);
                        assertThat(c.tlsRequired()).isTrue();
                        assertThat(c.database()).isEqualTo(MarketplaceDecider.DEFAULT_DATABASE);
                        assertThat(c.username()).isEqualTo("app");
                    });
        }

        @Test
        void theCredentialMustBeOfTheConnectionsEnvironment() {
            listedWithProdCredential();
            assertThat(code(connect("k1", "staging", "c1"))).isEqualTo(RejectionCode.ENVIRONMENT_MISMATCH);
        }

        @Test
        void notListed_noNewConnections() {
            serving();
            created("c1", "app", "prod");
            assertThat(code(connect("k1", "prod", "c1"))).isEqualTo(RejectionCode.NOT_LISTED);
        }

        @Test
        void removingTheListingBlocksNewConnectionsAndKeepsExistingOnes() {
            listedWithProdCredential();
            connect("k1", "prod", "c1");
            when(new RemoveListing(req(), "acme"));

            assertThat(code(connect("k2", "prod", "c1"))).isEqualTo(RejectionCode.NOT_LISTED);
            assertThat(state.connection("k1")).get().satisfies(c -> assertThat(c.active()).isTrue());
        }

        @Test
        void deletingTheCredentialBlocksNewConnectionsAndKeepsExistingOnes() {
            listedWithProdCredential();
            created("c2", "other", "prod");
            connect("k1", "prod", "c1");
            when(new DeleteCredential(req(), "acme", "c1"));

            assertThat(code(connect("k2", "prod", "c1"))).isEqualTo(RejectionCode.CREDENTIAL_INACTIVE);
            assertThat(state.connection("k1")).get().satisfies(c -> assertThat(c.active()).isTrue());
            assertThat(state.listed()).as("still listed: c2 is active").isTrue();
            assertThat(connect("k3", "prod", "c2")).singleElement().isInstanceOf(ConnectionCreated.class);
        }

        @Test
        void removingAConnection() {
            listedWithProdCredential();
            connect("k1", "prod", "c1");
            assertThat(when(new Disconnect(req(), "acme", "k1"))).first().isInstanceOf(ConnectionRemoved.class);
            assertThat(state.connection("k1")).get().satisfies(c -> assertThat(c.active()).isFalse());
            assertThat(code(when(new Disconnect(req(), "acme", "nope")))).isEqualTo(RejectionCode.UNKNOWN_CONNECTION);
        }

        @Test
        void anotherOrganizationCannotConnect() {
            listedWithProdCredential();
            assertThat(code(when(new Connect(req(), "evil", "k9", "x", "prod", "c1", null, COPY))))
                    .isEqualTo(RejectionCode.WRONG_ORGANIZATION);
        }
    }

    @Nested
    @DisplayName("secrets: each ends with what holds it")
    class Secrets {

        private void listedWithAConnection() {
            serving();
            created("c1", "app", "prod");
            when(new AddListing(req(), "acme"));
            connect("k1", "prod", "c1");
        }

        @Test
        void givenAConnection_whenItsCredentialIsDeleted_thenOnlyTheCredentialsKeyIsShredded() {
            listedWithAConnection();
            List<MarketplaceEvent> out = when(new DeleteCredential(req(), "acme", "c1"));
            assertThat(out).first().isInstanceOf(CredentialDeleted.class);
            assertThat(shreds(out)).containsExactly("c1");
            assertThat(state.connection("k1")).get().satisfies(c -> {
                assertThat(c.active()).isTrue();
                assertThat(c.encryptedSecret()).as("the connection's own copy").isEqualTo(COPY);
            });
        }

        @Test
        void givenAConnection_whenRemoved_thenItsCopyIsShredded() {
            listedWithAConnection();
            List<MarketplaceEvent> out = when(new Disconnect(req(), "acme", "k1"));
            assertThat(out).first().isInstanceOf(ConnectionRemoved.class);
            assertThat(shreds(out)).containsExactly("k1");
            assertThat(state.connection("k1")).get().satisfies(c -> assertThat(c.encryptedSecret()).isNull());
            assertThat(state.credential("c1")).get().satisfies(c -> assertThat(c.encryptedSecret()).isNotNull());
            assertThat(when(new Disconnect(req(), "acme", "k1"))).as("removed already").isEmpty();
        }

        @Test
        void givenSecrets_whenTheInstanceIsDeleted_thenEveryOneIsShredded() {
            listedWithAConnection();
            when(new ImportCredential(req(), "acme", "c2", CredentialKind.SUPER_ADMIN, "root", "prod", null, null));
            when(new Connect(req(), "acme", "k2", "billing-api", "prod", "c2", null, null));
            created("c3", "gone", "prod");
            when(new DeleteCredential(req(), "acme", "c3"));

            List<MarketplaceEvent> out = when(new Forget());
            assertThat(shreds(out)).as("secrets still held; the platform's and the shredded ones are not")
                    .containsExactlyInAnyOrder("c1", "k1");
            assertThat(state.connections()).allSatisfy(c -> assertThat(c.encryptedSecret()).isNull());
            assertThat(state.credentials()).allSatisfy(c -> assertThat(c.encryptedSecret()).isNull());
        }

        @Test
        void givenARefusedRequest_thenTheSecretItBroughtIsShredded() {
            serving();
            created("c1", "app", "prod");
            List<MarketplaceEvent> duplicate = created("c2", "app", "prod");
            assertThat(code(duplicate)).isEqualTo(RejectionCode.DUPLICATE_CREDENTIAL_NAME);
            assertThat(shreds(duplicate)).containsExactly("c2");

            List<MarketplaceEvent> notListed = connect("k1", "prod", "c1");
            assertThat(code(notListed)).isEqualTo(RejectionCode.NOT_LISTED);
            assertThat(shreds(notListed)).containsExactly("k1");
        }

        @Test
        void aRefusalNeverShredsAKeyInUse() {
            serving();
            created("c1", "app", "prod");
            List<MarketplaceEvent> out = when(new ImportCredential(req(), "other-org", "c1", CredentialKind.CREATED,
                    "app", "prod", "u", SECRET));
            assertThat(code(out)).isEqualTo(RejectionCode.WRONG_ORGANIZATION);
            assertThat(shreds(out)).isEmpty();
            assertThat(state.credential("c1")).get().satisfies(c -> assertThat(c.encryptedSecret()).isEqualTo(SECRET));
        }

        @Test
        void givenASuperAdminImportWithAPassword_thenRefusedWithTheReason_andThePasswordShredded() {
            serving();
            List<MarketplaceEvent> out = when(new ImportCredential(req(), "acme", "c1", CredentialKind.SUPER_ADMIN,
                    "root", "prod", null, SECRET));
            assertThat(out.get(0)).isInstanceOfSatisfying(Rejected.class, r -> {
                assertThat(r.code()).isEqualTo(RejectionCode.INVALID_REQUEST);
                assertThat(r.reason()).contains("the platform manages the super admin's password");
            });
            assertThat(shreds(out)).containsExactly("c1");
            assertThat(state.credential("c1")).isEmpty();
        }

        @Test
        void aConnectionWithThePlatformsPasswordHoldsNoCopy() {
            serving();
            when(new ImportCredential(req(), "acme", "c1", CredentialKind.SUPER_ADMIN, "root", "prod", null, null));
            when(new AddListing(req(), "acme"));
            when(new Connect(req(), "acme", "k1", "billing-api", "prod", "c1", null, null));
            assertThat(when(new Disconnect(req(), "acme", "k1"))).singleElement().isInstanceOf(ConnectionRemoved.class);
        }
    }

    @Nested
    @DisplayName("an instance the local data plane runs")
    class LocalDataPlane {

        static final byte[] SEALED_ADMIN = {42, 1};
        static final byte[] FOR_DATA_PLANE = {77, 7};

        private void runByTheDataPlane() {
            serving();
            when(new Serve("orders.db", 41234, true, "127.0.0.1"));
            when(new AdminIssued("admin", SEALED_ADMIN, "mkt-key"));
        }

        private List<MarketplaceEvent> importChecked(String requestId, String id, String name) {
            return when(new ImportCredential(requestId, "acme", id, CredentialKind.CREATED, name, "prod", "app",
                    SECRET, FOR_DATA_PLANE, "dp-key"));
        }

        @Test
        void givenNoDataPlane_createdCredentialsAreAcceptedUnchecked() {
            serving();
            assertThat(when(new ImportCredential(req(), "acme", "c1", CredentialKind.CREATED, "app", "prod", "app",
                    SECRET, FOR_DATA_PLANE, "dp-key"))).singleElement().isInstanceOf(CredentialImported.class);
        }

        @Test
        void givenTheAdminPasswordIssued_thenItIsKeptSealed_andTheNewestWins() {
            runByTheDataPlane();
            assertThat(state.runByLocalDataPlane()).isTrue();
            assertThat(state.adminPassword().sealedPassword()).isEqualTo(SEALED_ADMIN);
            assertThat(when(new AdminIssued("admin", SEALED_ADMIN, "mkt-key"))).as("the same again").isEmpty();
            byte[] afterRestore = {43, 2};
            assertThat(when(new AdminIssued("admin", afterRestore, "mkt-key"))).singleElement()
                    .isInstanceOf(AdminPasswordIssued.class);
            assertThat(state.adminPassword().sealedPassword()).isEqualTo(afterRestore);
        }

        @Test
        void superAdminCredentialsAreTheDataPlanesAdministrator_withoutACopyOfItsPassword() {
            runByTheDataPlane();
            assertThat(when(new ImportCredential(req(), "acme", "c1", CredentialKind.SUPER_ADMIN, "root", "prod",
                    null, null))).singleElement().isInstanceOfSatisfying(CredentialImported.class, c -> {
                        assertThat(c.username()).isEqualTo("admin");
                        assertThat(c.encryptedSecret()).isNull();
                    });
        }

        @Test
        void givenCreatedCredentials_whenImported_thenTheDataPlaneIsAskedToLogInWithThem() {
            runByTheDataPlane();
            assertThat(importChecked("r-1", "c1", "app")).singleElement()
                    .isInstanceOfSatisfying(VerificationRequested.class, v -> {
                        assertThat(v.verificationSecret()).isEqualTo(FOR_DATA_PLANE);
                        assertThat(v.verificationKeyId()).isEqualTo("dp-key");
                        assertThat(v.username()).isEqualTo("app");
                        assertThat(v.requestedAt()).isEqualTo(T);
                    });
            assertThat(state.credential("c1")).as("not accepted yet").isEmpty();
            assertThat(state.pendingCredential("c1")).get().satisfies(p -> {
                assertThat(p.encryptedSecret()).isEqualTo(SECRET);
                assertThat(p.requestedAt()).isEqualTo(T);
            });
            assertThat(importChecked("r-1", "c1", "app")).as("the same request again").isEmpty();
            assertThat(code(importChecked(req(), "c2", "APP"))).as("the name is taken while pending")
                    .isEqualTo(RejectionCode.DUPLICATE_CREDENTIAL_NAME);
            assertThat(code(when(new AddListing(req(), "acme")))).as("a pending credential is not active")
                    .isEqualTo(RejectionCode.NO_ACTIVE_CREDENTIAL);
        }

        @Test
        void givenAPendingVerification_whenTheServerAcceptsTheLogin_thenTheCredentialIsImported() {
            runByTheDataPlane();
            importChecked("r-1", "c1", "app");
            assertThat(when(new ConcludeVerification("r-1", "c1", true, ""))).singleElement()
                    .isInstanceOfSatisfying(CredentialImported.class, c -> {
                        assertThat(c.requestId()).isEqualTo("r-1");
                        assertThat(c.encryptedSecret()).isEqualTo(SECRET);
                        assertThat(c.kind()).isEqualTo(CredentialKind.CREATED);
                    });
            assertThat(state.pending()).isEmpty();
            assertThat(state.credential("c1")).get().satisfies(c -> assertThat(c.active()).isTrue());
            assertThat(when(new ConcludeVerification("r-1", "c1", true, ""))).as("a repeated answer").isEmpty();
            assertThat(when(new AddListing(req(), "acme"))).singleElement().isInstanceOf(ListingAdded.class);
        }

        @Test
        void givenAPendingVerification_whenTheServerRefusesTheLogin_thenRefusedWithItsReason_andTheSecretShredded() {
            runByTheDataPlane();
            importChecked("r-1", "c1", "app");
            List<MarketplaceEvent> out = when(new ConcludeVerification("r-1", "c1", false,
                    "the server refused app: password authentication failed for user \"app\""));
            assertThat(out.get(0)).isInstanceOfSatisfying(Rejected.class, r -> {
                assertThat(r.requestId()).isEqualTo("r-1");
                assertThat(r.code()).isEqualTo(RejectionCode.CREDENTIAL_REFUSED);
                assertThat(r.action()).isEqualTo(MarketplaceCommand.Action.IMPORT_CREDENTIAL);
                assertThat(r.reason()).contains("password authentication failed for user \"app\"");
            });
            assertThat(shreds(out)).containsExactly("c1");
            assertThat(state.pending()).isEmpty();
            assertThat(state.credential("c1")).isEmpty();
            assertThat(state.refusal("r-1")).get().satisfies(r -> assertThat(r.code()).isEqualTo(RejectionCode.CREDENTIAL_REFUSED));
            assertThat(importChecked(req(), "c2", "app")).as("the name is free again").singleElement()
                    .isInstanceOf(VerificationRequested.class);
        }

        @Test
        void givenNoAnswer_whenTimeExpiresIt_thenRefused_andALateAnswerChangesNothing() {
            runByTheDataPlane();
            importChecked("r-1", "c1", "app");
            List<MarketplaceEvent> out = when(new ExpireVerification("r-1", java.time.Duration.ofSeconds(60)));
            assertThat(code(out)).isEqualTo(RejectionCode.CREDENTIAL_REFUSED);
            assertThat(((Rejected) out.get(0)).reason()).contains("within 60 s");
            assertThat(shreds(out)).containsExactly("c1");
            assertThat(when(new ConcludeVerification("r-1", "c1", true, ""))).isEmpty();
            assertThat(state.credential("c1")).isEmpty();
        }

        @Test
        void givenTheDataPlanesKeyUnavailable_createdCredentialsAreRefused_neverAcceptedUnchecked() {
            runByTheDataPlane();
            List<MarketplaceEvent> out = when(new ImportCredential(req(), "acme", "c1", CredentialKind.CREATED, "app",
                    "prod", "app", SECRET));
            assertThat(code(out)).isEqualTo(RejectionCode.CREDENTIAL_REFUSED);
            assertThat(shreds(out)).containsExactly("c1");
        }

        @Test
        void givenAPendingVerification_whenTheInstanceIsDeleted_thenItsSecretAndTheAdminPasswordGo() {
            runByTheDataPlane();
            importChecked("r-1", "c1", "app");
            List<MarketplaceEvent> out = when(new Forget());
            assertThat(shreds(out)).containsExactly("c1");
            assertThat(state.pending()).isEmpty();
            assertThat(state.adminPassword()).isNull();
            assertThat(when(new ConcludeVerification("r-1", "c1", true, ""))).isEmpty();
            assertThat(when(new AdminIssued("admin", SEALED_ADMIN, "mkt-key"))).isEmpty();
        }

        @Test
        void aConnectionHandsOutTheAddressToDial() {
            runByTheDataPlane();
            when(new ImportCredential(req(), "acme", "c1", CredentialKind.SUPER_ADMIN, "root", "prod", null, null));
            when(new AddListing(req(), "acme"));
            assertThat(when(new Connect(req(), "acme", "k1", "api", "prod", "c1", null, null))).singleElement()
                    .isInstanceOfSatisfying(ConnectionCreated.class, c -> {
                        assertThat(c.hostAddress()).isEqualTo("127.0.0.1");
                        assertThat(c.port()).isEqualTo(41234);
                        assertThat(c.serviceHost()).isEqualTo("orders.db");
                        assertThat(c.username()).isEqualTo("admin");
                    });
        }
    }

    @Nested
    @DisplayName("time")
    class Time {

        private final VerificationTimer timer = new VerificationTimer(java.time.Duration.ofSeconds(60));

        @Test
        void theOldestPendingVerificationIsDueItsTimeoutAfterItsRequest() {
            serving();
            when(new AdminIssued("admin", new byte[] {1}, "k"));
            when(new ImportCredential("r-1", "acme", "c1", CredentialKind.CREATED, "a", "prod", "app", SECRET,
                    new byte[] {2}, "dp"));
            assertThat(timer.due("i-1", state, T.plusSeconds(59))).isEmpty();
            assertThat(timer.due("i-1", state, T.plusSeconds(61))).get().satisfies(d -> {
                assertThat(d.at()).isEqualTo(T.plusSeconds(60));
                assertThat(d.command()).isEqualTo(new ExpireVerification("r-1", java.time.Duration.ofSeconds(60)));
            });
            assertThat(timer.next("i-1", state)).contains(T.plusSeconds(60));
            when(new ConcludeVerification("r-1", "c1", true, ""));
            assertThat(timer.next("i-1", state)).isEmpty();
        }
    }
}
