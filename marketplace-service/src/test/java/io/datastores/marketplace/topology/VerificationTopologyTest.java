package io.datastores.marketplace.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.datastores.contract.Topics;
import io.datastores.events.AdminCredentialIssued;
import io.datastores.events.Cloud;
import io.datastores.events.ConnectionCreated;
import io.datastores.events.ConnectionRequested;
import io.datastores.events.CredentialImportRequested;
import io.datastores.events.CredentialImported;
import io.datastores.events.CredentialKind;
import io.datastores.events.CredentialVerificationRequested;
import io.datastores.events.CredentialVerified;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.Engine;
import io.datastores.events.EventMetadata;
import io.datastores.events.InstanceAccepted;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceReady;
import io.datastores.events.ListingRequested;
import io.datastores.events.MarketplaceCommandEnvelope;
import io.datastores.events.MarketplaceEventEnvelope;
import io.datastores.events.MarketplaceRequestRejected;
import io.datastores.events.NodeInfo;
import io.datastores.events.NodeRole;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.serde.MockSchemaRegistry;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.marketplace.domain.MarketplaceState;
import io.datastores.marketplace.mapping.MarketplaceMapping;

/**
 * The marketplace topology with the local data plane: the super admin's password it issues is kept
 * sealed, created credentials wait for its login before they are accepted (and the decision stays
 * in the request's conversation, as the command gateway awaits it), its silence refuses them after
 * the timeout, and connections hand out the endpoint's address.
 */
class VerificationTopologyTest {

    static final Instant T = Instant.parse("2026-11-22T10:00:00Z");
    static final String SCOPE = "verification-topology-test";
    static final byte[] SEALED_ADMIN = {42, 42, 42};
    static final byte[] FOR_DATA_PLANE = {77, 77};

    /** A wall clock the test moves. */
    static final class MovableClock extends Clock {
        private volatile Instant now = T;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovableClock clock = new MovableClock();
    private TopologyTestDriver driver;
    private TestInputTopic<String, InstanceEventEnvelope> instances;
    private TestInputTopic<String, MarketplaceCommandEnvelope> commands;
    private TestInputTopic<String, DataPlaneEventEnvelope> dataPlane;
    private TestOutputTopic<String, MarketplaceEventEnvelope> events;
    private TestOutputTopic<String, byte[]> keys;
    private int seq;

    @BeforeEach
    void start() {
        ContractSerdes serdes = new ContractSerdes("mock://" + SCOPE);
        StreamsBuilder builder = new StreamsBuilder();
        var instanceEvents = DeadLetters.decode(builder, Topics.INSTANCE_EVENTS, serdes, "marketplace-service");
        var dataPlaneEvents = DeadLetters.decode(builder, Topics.DATA_PLANE_EVENTS, serdes, "marketplace-service");
        MarketplaceTopology.build(builder, serdes, instanceEvents, dataPlaneEvents, clock, Duration.ofSeconds(1),
                Duration.ofSeconds(60), true);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "verification-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/mkt-" + UUID.randomUUID());
        driver = new TopologyTestDriver(builder.build(), props, T);
        instances = driver.createInputTopic(Topics.INSTANCE_EVENTS.name(), Serdes.String().serializer(),
                serdes.value(Topics.INSTANCE_EVENTS).serializer());
        commands = driver.createInputTopic(Topics.MARKETPLACE_COMMANDS.name(), Serdes.String().serializer(),
                serdes.value(Topics.MARKETPLACE_COMMANDS).serializer());
        dataPlane = driver.createInputTopic(Topics.DATA_PLANE_EVENTS.name(), Serdes.String().serializer(),
                serdes.value(Topics.DATA_PLANE_EVENTS).serializer());
        events = driver.createOutputTopic(Topics.MARKETPLACE_EVENTS.name(), Serdes.String().deserializer(),
                serdes.value(Topics.MARKETPLACE_EVENTS).deserializer());
        keys = driver.createOutputTopic(Topics.CREDENTIAL_KEYS.name(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
        MockSchemaRegistry.drop(SCOPE);
    }

    private EventMetadata meta() {
        String id = "ev-" + (++seq);
        return new EventMetadata(id, id, null, T, "test");
    }

    /** A PostgreSQL instance the local data plane runs: its endpoint on 127.0.0.1, its admin password issued. */
    private void runByTheDataPlane() {
        instances.pipeInput("i-1", new InstanceEventEnvelope(meta(), InstanceAccepted.newBuilder().setRequestId("r")
                .setOrganizationId("acme").setInstanceId("i-1").setDisplayName("orders").setEngine(Engine.POSTGRESQL)
                .setCloud(Cloud.AWS).setRegion("us-east-1").setPlan("PREMIUM-8").setCatalogVersion("v")
                .setNodeCount(3).setServiceHost("orders.db").build()), T);
        dataPlane.pipeInput("i-1", new DataPlaneEventEnvelope(meta(), new AdminCredentialIssued("i-1", "admin",
                ByteBuffer.wrap(SEALED_ADMIN), "mkt-key")), T);
        instances.pipeInput("i-1", new InstanceEventEnvelope(meta(), InstanceReady.newBuilder().setOrganizationId("acme")
                .setInstanceId("i-1").setServiceHost("orders.db").setPort(41234).setTlsRequired(true)
                .setConnectionLimit(200).setAllowlist(List.of("127.0.0.0/8"))
                .setNodes(List.of(new NodeInfo("n1", NodeRole.PRIMARY, "a", "h1", "127.0.0.1")))
                .setCatalogVersion("v").setEndpointAddress("127.0.0.1").build()), T);
    }

    /** A created credential's import as the gateway sends it: the request id is event and correlation id. */
    private void importCreated(String requestId, String credentialId, String name) {
        commands.pipeInput("i-1", new MarketplaceCommandEnvelope(new EventMetadata(requestId, requestId, null, T,
                "marketplace-service"), CredentialImportRequested.newBuilder().setRequestId(requestId)
                .setInstanceId("i-1").setOrganizationId("acme").setCredentialId(credentialId)
                .setKind(CredentialKind.CREATED).setDisplayName(name).setEnvironment("prod").setUsername("app")
                .setEncryptedSecret(ByteBuffer.wrap(new byte[] {9, 9}))
                .setVerificationSecret(ByteBuffer.wrap(FOR_DATA_PLANE)).setVerificationKeyId("dp-key").build()), T);
    }

    /** The data plane's answer, in a conversation of its own (the request's correlation is not relied on). */
    private void answer(String requestId, String credentialId, boolean verified, String reason) {
        dataPlane.pipeInput("i-1", new DataPlaneEventEnvelope(new EventMetadata("dp-" + (++seq), "dp-conversation",
                null, T.plusSeconds(1), "data-plane"), new CredentialVerified(requestId, credentialId, "i-1",
                verified, reason)), T.plusSeconds(1));
    }

    @Test
    void givenTheDataPlaneAcceptsTheLogin_thenImported_andOnlyThatDecisionAnswersTheRequest() {
        runByTheDataPlane();
        MarketplaceState state = driver.<String, MarketplaceState>getKeyValueStore(MarketplaceTopology.STORE).get("i-1");
        assertThat(state.adminPassword().sealedPassword()).as("kept sealed, as it came").isEqualTo(SEALED_ADMIN);
        assertThat(state.hostAddress()).isEqualTo("127.0.0.1");
        events.readRecordsToList();

        importCreated("req-1", "c1", "app");
        TestRecord<String, MarketplaceEventEnvelope> asked = events.readRecord();
        assertThat(asked.key()).isEqualTo("i-1");
        assertThat(asked.value().getMetadata().getCorrelationId()).isEqualTo("req-1");
        assertThat(asked.value().getPayload()).isInstanceOfSatisfying(CredentialVerificationRequested.class, v -> {
            assertThat(v.getCredentialId()).isEqualTo("c1");
            assertThat(v.getUsername()).isEqualTo("app");
            assertThat(v.getSealKeyId()).isEqualTo("dp-key");
            assertThat(bytes(v.getSealedPassword())).isEqualTo(FOR_DATA_PLANE);
        });
        assertThat(MarketplaceMapping.decides(asked.value().getPayload())).as("a step on the way").isFalse();
        assertThat(events.isEmpty()).isTrue();

        answer("req-1", "c1", true, "");
        TestRecord<String, MarketplaceEventEnvelope> imported = events.readRecord();
        assertThat(imported.value().getMetadata().getCorrelationId()).as("the request's conversation")
                .isEqualTo("req-1");
        assertThat(imported.value().getPayload()).isInstanceOfSatisfying(CredentialImported.class, c -> {
            assertThat(c.getRequestId()).isEqualTo("req-1");
            assertThat(c.getCredentialId()).isEqualTo("c1");
        });
        assertThat(MarketplaceMapping.decides(imported.value().getPayload())).isTrue();
        assertThat(keys.isEmpty()).isTrue();
    }

    @Test
    void givenTheServerRefusesTheLogin_thenRefusedWithItsReason_andTheKeyDestroyed() {
        runByTheDataPlane();
        importCreated("req-1", "c1", "app");
        events.readRecordsToList();
        answer("req-1", "c1", false, "the server refused app: password authentication failed for user \"app\"");
        TestRecord<String, MarketplaceEventEnvelope> refused = events.readRecord();
        assertThat(refused.value().getMetadata().getCorrelationId()).isEqualTo("req-1");
        assertThat(refused.value().getPayload()).isInstanceOfSatisfying(MarketplaceRequestRejected.class, r -> {
            assertThat(r.getRequestId()).isEqualTo("req-1");
            assertThat(r.getCode()).isEqualTo("CREDENTIAL_REFUSED");
            assertThat(r.getReason()).contains("password authentication failed for user \"app\"");
        });
        assertThat(keys.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("c1");
            assertThat(kv.value).as("a tombstone").isNull();
        });
    }

    @Test
    void givenNoAnswer_whenTheTimeoutPasses_thenRefused() {
        runByTheDataPlane();
        importCreated("req-1", "c1", "app");
        events.readRecordsToList();
        clock.now = T.plusSeconds(59);
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(events.isEmpty()).as("not yet").isTrue();

        clock.now = T.plusSeconds(61);
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(events.readValue().getPayload()).isInstanceOfSatisfying(MarketplaceRequestRejected.class, r -> {
            assertThat(r.getRequestId()).isEqualTo("req-1");
            assertThat(r.getCode()).isEqualTo("CREDENTIAL_REFUSED");
            assertThat(r.getReason()).contains("within 60 s");
        });
        assertThat(keys.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("c1");
        answer("req-1", "c1", true, "");
        assertThat(events.isEmpty()).as("a late answer changes nothing").isTrue();
    }

    @Test
    void aConnectionCarriesTheEndpointsAddress() {
        runByTheDataPlane();
        importCreated("req-1", "c1", "app");
        answer("req-1", "c1", true, "");
        commands.pipeInput("i-1", new MarketplaceCommandEnvelope(meta(), new ListingRequested("r-l", "i-1", "acme")), T);
        commands.pipeInput("i-1", new MarketplaceCommandEnvelope(meta(), ConnectionRequested.newBuilder()
                .setRequestId("r-k").setInstanceId("i-1").setOrganizationId("acme").setConnectionId("k1")
                .setComponentId("api").setEnvironment("prod").setCredentialId("c1").build()), T);
        assertThat(events.readValuesToList()).extracting(MarketplaceEventEnvelope::getPayload)
                .filteredOn(ConnectionCreated.class::isInstance).singleElement()
                .isInstanceOfSatisfying(ConnectionCreated.class, c -> {
                    assertThat(c.getHostAddress()).isEqualTo("127.0.0.1");
                    assertThat(c.getPort()).isEqualTo(41234);
                    assertThat(c.getServiceHost()).isEqualTo("orders.db");
                });
        KeyValueStore<String, MarketplaceState> store = driver.getKeyValueStore(MarketplaceTopology.STORE);
        assertThat(store.get("i-1").credential("c1")).get().satisfies(c -> assertThat(c.active()).isTrue());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
