package io.datastores.dataplane.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import io.datastores.dataplane.domain.Tier;
import io.datastores.dataplane.domain.Command;
import io.datastores.dataplane.domain.Engine;
import io.datastores.dataplane.domain.Fleet;
import io.datastores.dataplane.domain.Fleet.Role;
import io.datastores.dataplane.domain.Plan;
import io.datastores.dataplane.domain.Report;
import io.datastores.dataplane.domain.Rules;
import io.datastores.dataplane.domain.Step;
import io.datastores.dataplane.endpoint.EndpointClient;
import io.datastores.dataplane.endpoint.EndpointServer;
import io.datastores.dataplane.engine.Postgres;
import io.datastores.dataplane.engine.Shell;
import io.datastores.dataplane.tls.LocalCa;
import io.datastores.kit.seal.SealedBox;

/**
 * The data plane's rules and executor against real PostgreSQL servers, without Kafka: a Premium
 * instance made, its primary lost and a standby promoted with the other following, the old primary
 * fenced and rewound when it returns, a planned switchover, and a crash restarted in place. Skipped
 * where PostgreSQL 15 is not installed (.ci/run installs it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServersIT {

    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final String ID = "it-prem";

    private Path dir;
    private EndpointServer endpointServer;
    private FleetStore store;
    private Executor executor;
    private Postgres postgres;
    private Layout layout;
    private SealedBox.KeyPair marketplaceKey;
    private SealedBox.KeyPair dataPlaneKey;
    private final Rules rules = new Rules(8, Set.of(Engine.POSTGRESQL));
    private final List<Object> told = new ArrayList<>();
    private String adminPassword;

    @BeforeAll
    void machine() throws IOException {
        Assumptions.assumeTrue(Postgres.missingTools(BIN).isEmpty(), "PostgreSQL 15 is not installed (.ci/run installs it)");
        dir = Files.createTempDirectory(Path.of("target"), "servers-it",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"))).toAbsolutePath();
        endpointServer = EndpointServer.start(dir.resolve("endpoints"), 0);
        LocalCa ca = LocalCa.openOrCreate(dir.resolve("tls"));
        marketplaceKey = SealedBox.KeyPair.openOrCreate(dir.resolve("vault"));
        layout = new Layout(dir.resolve("dataplane"), ca.certificateFile());
        store = new FleetStore(layout.fleetFile(), Fleet.empty(25400 + (int) (ProcessHandle.current().pid() % 50) * 10,
                25999));
        postgres = new Postgres(BIN, Shell.forThisProcess("postgres"));
        dataPlaneKey = SealedBox.KeyPair.openOrCreate(dir.resolve("dataplane-vault"));
        executor = new Executor(store, layout, postgres, ca, new EndpointClient(endpointServer.controlUri()),
                new Sealing(dir.resolve("vault")), dataPlaneKey);
    }

    @AfterAll
    void stop() {
        if (store != null) {
            for (Fleet.Instance i : store.get().instances().values()) {
                i.nodes().keySet().forEach(n -> postgres.stop(layout.dataDir(n), "immediate"));
            }
        }
        if (endpointServer != null) {
            endpointServer.close();
        }
    }

    /** Runs a command as the data plane does (planned, executed step by step, reported). */
    private void run(Command command) {
        Plan[] planned = new Plan[1];
        store.update(f -> {
            planned[0] = rules.decide(command, f);
            return planned[0].fleet();
        });
        for (Step step : planned[0].steps()) {
            try {
                executor.run(step, outcomes);
            } catch (RuntimeException e) {
                store.update(planned[0].failedFleet());
                planned[0].onFailure().apply(e.getMessage()).forEach(told::add);
                return;
            }
        }
        planned[0].then().forEach(this::run);
    }

    private final Executor.Outcomes outcomes = new Executor.Outcomes() {
        @Override
        public void tell(Report report) {
            told.add(report);
        }

        @Override
        public void adminIssued(String instanceId, String username, byte[] sealedPassword, String keyId) {
            try {
                adminPassword = new String(marketplaceKey.open(sealedPassword, instanceId.getBytes()));
            } catch (SealedBox.CannotOpen e) {
                throw new IllegalStateException(e);
            }
            told.add("admin " + username);
        }

        @Override
        public void restored(String instanceId, String nodeId, long position) {
            told.add("restored " + nodeId);
        }

        @Override
        public void switchoverPrepared(String instanceId, String switchoverId, String from, String to, long position) {
            told.add("prepared " + switchoverId + " at " + position);
        }

        @Override
        public void rewound(String instanceId, String nodeId, long epoch, long divergedAt, long discarded,
                String method) {
            told.add("rewound " + nodeId + " by " + method + " discarding " + discarded);
        }
    };

    private int endpointPort() {
        return store.get().instance(ID).orElseThrow().endpointPort();
    }

    private Connection client(int port, String sslmode) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "admin");
        p.setProperty("password", adminPassword);
        p.setProperty("sslmode", sslmode);
        p.setProperty("sslrootcert", layout.caFile().toString());
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/defaultdb", p);
    }

    private static String one(Connection c, String query) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getString(1);
        }
    }

    private boolean writable(String nodeId) {
        try (Connection c = client(store.get().node(nodeId).orElseThrow().port(), "verify-full")) {
            return one(c, "select pg_is_in_recovery()").equals("f");
        } catch (SQLException e) {
            return false;
        }
    }

    @Test
    @Order(1)
    void aPremiumInstanceRunsThreeServersBehindItsEndpoint_withTlsVerifiedAndItsLimit() throws Exception {
        run(new Command.Accept(ID, Engine.POSTGRESQL, "PREMIUM-4", Tier.PREMIUM, "orders-itprem.us-east-1.aws.db.dcp.internal", 100,
                List.of("127.0.0.1/32")));
        run(new Command.Provision(ID, ID + "-n1", Role.PRIMARY, "a", 0, 1, null));
        run(new Command.Provision(ID, ID + "-n2", Role.STANDBY, "b", 0, 1, null));
        run(new Command.Provision(ID, ID + "-n3", Role.STANDBY, "c", 0, 1, null));
        assertThat(told).filteredOn(o -> o instanceof Report.NodeUp).hasSize(3);
        assertThat(adminPassword).isNotBlank();
        try (Connection c = client(endpointPort(), "verify-full")) {
            assertThat(one(c, "show max_connections")).isEqualTo("100");
            assertThat(one(c, "show synchronous_standby_names")).isEqualTo("ANY 1 (\"it-prem-n2\", \"it-prem-n3\")");
            try (Statement s = c.createStatement()) {
                s.execute("create table t (i int primary key)");
                s.execute("insert into t values (1)");
            }
        }
        assertThatThrownBy(() -> client(endpointPort(), "disable").close()).isInstanceOf(SQLException.class)
                .hasMessageContaining("no encryption");
    }

    @Test
    @Order(2)
    void importedCredentialsAreCheckedByLoggingIn() {
        byte[] good = SealedBox.seal(dataPlaneKey.publicKey(), adminPassword.getBytes(), "cred-1".getBytes());
        byte[] bad = SealedBox.seal(dataPlaneKey.publicKey(), "wrong".getBytes(), "cred-2".getBytes());
        run(new Command.VerifyCredential(ID, "req-1", "cred-1", "admin", good));
        run(new Command.VerifyCredential(ID, "req-2", "cred-2", "admin", bad));
        assertThat(told).contains(new Report.CredentialChecked(ID, "req-1", "cred-1", true, ""));
        assertThat(told).filteredOn(o -> o instanceof Report.CredentialChecked c && c.credentialId().equals("cred-2"))
                .singleElement().satisfies(o -> {
                    Report.CredentialChecked c = (Report.CredentialChecked) o;
                    assertThat(c.verified()).isFalse();
                    assertThat(c.reason()).contains("password authentication failed").doesNotContain("wrong");
                });
    }

    @Test
    @Order(3)
    void aLostPrimaryIsReplacedByAPromotedStandby_theOtherFollows_andTheEndpointMoves() throws Exception {
        run(new Command.Lose(ID, ID + "-n1"));
        assertThat(postgres.running(layout.dataDir(ID + "-n1"))).isFalse();
        run(new Command.Promote(ID, ID + "-n2", 1, "fo-1"));
        run(new Command.MoveEndpoint(ID, store.get().node(ID + "-n2").orElseThrow().address(), "fo-1"));
        try (Connection c = client(endpointPort(), "verify-full"); Statement s = c.createStatement()) {
            assertThat(one(c, "select pg_is_in_recovery()")).isEqualTo("f");
            s.execute("insert into t values (2)"); // commits: n3 follows and acknowledges (ANY 1)
            assertThat(one(c, "select count(*) from t")).isEqualTo("2");
        }
        assertThat(writable(ID + "-n3")).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Connection c = client(store.get().node(ID + "-n3").orElseThrow().port(), "verify-full")) {
                return one(c, "select count(*) from t").equals("2");
            }
        });
    }

    @Test
    @Order(4)
    void theOldPrimaryReturning_isFencedRewoundAndStreamsAsAStandby() throws Exception {
        run(new Command.Return(ID, ID + "-n1"));
        assertThat(told).anyMatch(o -> o.toString().startsWith("rewound " + ID + "-n1 by pg_rewind"));
        Fleet.Node n1 = store.get().node(ID + "-n1").orElseThrow();
        assertThat(n1.role()).isEqualTo(Role.STANDBY);
        assertThat(n1.epoch()).isEqualTo(1);
        assertThat(writable(ID + "-n1")).isFalse();
        assertThat(writable(ID + "-n2")).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Connection c = client(n1.port(), "verify-full")) {
                return one(c, "select count(*) from t").equals("2");
            }
        });
    }

    @Test
    @Order(5)
    void aPlannedSwitchoverHandsOverWithoutLoss_andTheOldPrimaryFollows() throws Exception {
        try (Connection c = client(endpointPort(), "verify-full"); Statement s = c.createStatement()) {
            s.execute("insert into t select generate_series(3, 1000)");
        }
        run(new Command.PrepareSwitchover(ID, "sw-1", ID + "-n2", ID + "-n3", 1));
        assertThat(told).anyMatch(o -> o.toString().startsWith("prepared sw-1"));
        run(new Command.Promote(ID, ID + "-n3", 2, "sw-1"));
        run(new Command.MoveEndpoint(ID, store.get().node(ID + "-n3").orElseThrow().address(), "sw-1"));
        try (Connection c = client(endpointPort(), "verify-full")) {
            assertThat(one(c, "select count(*) from t")).isEqualTo("1000");
            assertThat(one(c, "select pg_is_in_recovery()")).isEqualTo("f");
        }
        assertThat(writable(ID + "-n2")).isFalse();
        assertThat(List.of(ID + "-n1", ID + "-n2", ID + "-n3")).filteredOn(this::writable).containsExactly(ID + "-n3");
    }

    @Test
    @Order(6)
    void aCrashedServerRestartsInPlace() throws Exception {
        run(new Command.Crash(ID, ID + "-n2"));
        await().atMost(Duration.ofSeconds(5)).until(() -> !postgres.running(layout.dataDir(ID + "-n2")));
        store.update(f -> f.withNode(ID + "-n2", n -> n.with(Fleet.NodeStatus.CRASHED))); // as the heartbeats find it
        run(new Command.Restart(ID, ID + "-n2", 2));
        assertThat(postgres.running(layout.dataDir(ID + "-n2"))).as("running again; told: %s", told).isTrue();
    }

    @Test
    @Order(7)
    void aDeletedInstanceLeavesNoServer() {
        run(new Command.Delete(ID));
        assertThat(store.get().instances()).isEmpty();
        assertThat(Files.exists(layout.nodeDir(ID + "-n1"))).isFalse();
    }
}
