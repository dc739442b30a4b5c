package io.datastores.marketplace.topology;

import io.datastores.marketplace.domain.InstanceView.FailoverKind;
import io.datastores.marketplace.domain.InstanceView.Progress;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.datastores.contract.Topics;
import io.datastores.events.Cloud;
import io.datastores.events.ConnectionCreated;
import io.datastores.events.ConnectionRequested;
import io.datastores.events.CredentialImportRequested;
import io.datastores.events.CredentialImported;
import io.datastores.events.CredentialDeletionRequested;
import io.datastores.events.CredentialKind;
import io.datastores.events.Engine;
import io.datastores.events.EventMetadata;
import io.datastores.events.FailoverCompleted;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.FailoverStarted;
import io.datastores.events.ConnectionRemovalRequested;
import io.datastores.events.InstanceAccepted;
import io.datastores.events.InstanceDeleted;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceReady;
import io.datastores.events.ListingRequested;
import io.datastores.events.MarketplaceCommandEnvelope;
import io.datastores.events.MarketplaceEventEnvelope;
import io.datastores.events.MarketplaceRequestRejected;
import io.datastores.events.NodeInfo;
import io.datastores.events.NodeRole;
import io.datastores.events.StandbyPromoted;
import io.datastores.kit.json.JsonSerde;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.serde.MockSchemaRegistry;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.marketplace.domain.FleetSummary;
import io.datastores.marketplace.domain.HistoryView;
import io.datastores.marketplace.domain.InstanceView;
import io.datastores.marketplace.domain.ListingView;

class MarketplaceTopologyTest {

    static final Instant T = Instant.parse("2026-11-22T10:00:00Z");
    static final String SCOPE = "marketplace-topology-test";

    private TopologyTestDriver driver;
    private TestInputTopic<String, InstanceEventEnvelope> instances;
    private TestInputTopic<String, MarketplaceCommandEnvelope> commands;
    private TestInputTopic<String, byte[]> rawCommands;
    private TestInputTopic<String, FailoverEventEnvelope> failovers;
    private TestOutputTopic<String, MarketplaceEventEnvelope> events;
    private TestOutputTopic<String, ListingView> marketplaceView;
    private int seq;

    private void start(boolean publish) {
        ContractSerdes serdes = new ContractSerdes("mock://" + SCOPE);
        StreamsBuilder builder = new StreamsBuilder();
        var instanceEvents = DeadLetters.decode(builder, Topics.INSTANCE_EVENTS, serdes, "marketplace-service");
        var failoverEvents = DeadLetters.decode(builder, Topics.FAILOVER_EVENTS, serdes, "marketplace-service");
        FleetViewTopology.build(builder, serdes, instanceEvents, failoverEvents, publish);
        var dataPlaneEvents = DeadLetters.decode(builder, Topics.DATA_PLANE_EVENTS, serdes, "marketplace-service");
        var decided = MarketplaceTopology.build(builder, serdes, instanceEvents, dataPlaneEvents,
                java.time.Clock.fixed(T, java.time.ZoneOffset.UTC), java.time.Duration.ofSeconds(1),
                MarketplaceTopology.VERIFICATION_TIMEOUT, publish);
        HistoryTopology.build(builder, instanceEvents, failoverEvents, decided);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "marketplace-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/mkt-" + UUID.randomUUID());
        driver = new TopologyTestDriver(builder.build(), props, T);
        instances = driver.createInputTopic(Topics.INSTANCE_EVENTS.name(), Serdes.String().serializer(),
                serdes.value(Topics.INSTANCE_EVENTS).serializer());
        commands = driver.createInputTopic(Topics.MARKETPLACE_COMMANDS.name(), Serdes.String().serializer(),
                serdes.value(Topics.MARKETPLACE_COMMANDS).serializer());
        rawCommands = driver.createInputTopic(Topics.MARKETPLACE_COMMANDS.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        failovers = driver.createInputTopic(Topics.FAILOVER_EVENTS.name(), Serdes.String().serializer(),
                serdes.value(Topics.FAILOVER_EVENTS).serializer());
        events = driver.createOutputTopic(Topics.MARKETPLACE_EVENTS.name(), Serdes.String().deserializer(),
                serdes.value(Topics.MARKETPLACE_EVENTS).deserializer());
        marketplaceView = driver.createOutputTopic(ViewTopics.MARKETPLACE, Serdes.String().deserializer(),
                new JsonSerde<>(ListingView.class).deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
        MockSchemaRegistry.drop(SCOPE);
    }

    private EventMetadata meta() {
        String id = "ev-" + (++seq);
        return new EventMetadata(id, id, null, T.plusSeconds(seq), "test");
    }

    private void readyInstance() {
        instances.pipeInput("i-1", new InstanceEventEnvelope(meta(), InstanceAccepted.newBuilder().setRequestId("r")
                .setOrganizationId("acme").setInstanceId("i-1").setDisplayName("orders").setEngine(Engine.MYSQL)
                .setCloud(Cloud.GCP).setRegion("europe-west1").setPlan("BUSINESS-8").setCatalogVersion("v")
                .setNodeCount(2).setServiceHost("orders.db").build()));
        instances.pipeInput("i-1", new InstanceEventEnvelope(meta(), InstanceReady.newBuilder().setOrganizationId("acme")
                .setInstanceId("i-1").setServiceHost("orders.db").setPort(3306).setTlsRequired(true)
                .setConnectionLimit(801).setAllowlist(List.of("0.0.0.0/0"))
                .setNodes(List.of(new NodeInfo("n1", NodeRole.PRIMARY, "a", "h1", "10.0.0.1"),
                        new NodeInfo("n2", NodeRole.STANDBY, "b", "h2", "10.0.0.2")))
                .setCatalogVersion("v").build()));
    }

    private void request(Object payload) {
        commands.pipeInput("i-1", new MarketplaceCommandEnvelope(meta(), payload));
    }

    private void importCredential() {
        request(CredentialImportRequested.newBuilder().setRequestId("r-c").setInstanceId("i-1")
                .setOrganizationId("acme").setCredentialId("c1").setKind(CredentialKind.CREATED).setDisplayName("app")
                .setEnvironment("prod").setUsername("app").setEncryptedSecret(ByteBuffer.wrap(new byte[] {9, 9}))
                .build());
    }

    @Test
    void fromReadyToAListedInstanceWithAConnection() {
        start(true);
        readyInstance();
        importCredential();
        request(new ListingRequested("r-l", "i-1", "acme"));
        request(ConnectionRequested.newBuilder().setRequestId("r-k").setInstanceId("i-1").setOrganizationId("acme")
                .setConnectionId("k1").setComponentId("api").setEnvironment("prod").setCredentialId("c1").build());

        List<Object> out = events.readValuesToList().stream().map(e -> (Object) e.getPayload()).toList();
        assertThat(out).extracting(o -> o.getClass().getSimpleName())
                .containsExactly("CredentialImported", "ListingAdded", "ConnectionCreated");
        assertThat(((CredentialImported) out.get(0)).getWrappedDataKey()).as("no key in the event").isNull();
        ConnectionCreated c = (ConnectionCreated) out.get(2);
        assertThat(c.getServiceHost()).isEqualTo("orders.db");
        assertThat(c.getPort()).isEqualTo(3306);
        ListingView view = marketplaceView.readValuesToList().stream().reduce((a, b) -> b).orElseThrow();
        assertThat(view.listed()).isTrue();
        assertThat(view.activeConnections()).isEqualTo(1);
        assertThat(view.credentialsByEnvironment()).containsKey("prod");
        KeyValueStore<String, HistoryView> history = driver.getKeyValueStore(HistoryTopology.STORE);
        assertThat(history.get("i-1").entries()).extracting(HistoryView.Entry::type)
                .startsWith("ConnectionCreated", "ListingAdded", "CredentialImported", "InstanceReady");
    }

    @Test
    void undecodableRequestsAreDeadLetteredAndRefusalsArePublished() {
        start(true);
        readyInstance();
        rawCommands.pipeInput("i-1", "garbage".getBytes());
        request(new ListingRequested("r-l", "i-1", "acme"));
        assertThat(driver.createOutputTopic(Topics.MARKETPLACE_COMMANDS.deadLetterTopic(),
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer()).readRecordsToList()).hasSize(1);
        assertThat(events.readValuesToList()).singleElement().satisfies(e -> assertThat(e.getPayload())
                .isInstanceOfSatisfying(MarketplaceRequestRejected.class,
                        r -> assertThat(r.getCode()).isEqualTo("NO_ACTIVE_CREDENTIAL")));
    }

    @Test
    void theFleetViewFollowsAFailover() {
        start(true);
        readyInstance();
        failovers.pipeInput("i-1", new FailoverEventEnvelope(meta(), FailoverStarted.newBuilder().setInstanceId("i-1")
                .setFailedNodeId("n1").setReason("lost").setFailoverId("f1").setKind("PROMOTION")
                .setDetectedBy("PLATFORM").setFailedAt(T).setEpoch(1).build()));
        KeyValueStore<String, InstanceView> fleet = driver.getKeyValueStore(FleetViewTopology.STORE);
        assertThat(fleet.get("i-1").failover().state()).isEqualTo(Progress.IN_PROGRESS);
        KeyValueStore<String, FleetSummary> summary = driver.getKeyValueStore(FleetViewTopology.SUMMARY_STORE);
        assertThat(summary.get("acme").byStatus()).containsExactly(java.util.Map.entry(InstanceView.Status.READY, 1L));
        assertThat(summary.get("acme").inFailover()).extracting(FleetSummary.InFailover::instanceId)
                .containsExactly("i-1");
        failovers.pipeInput("i-1", new FailoverEventEnvelope(meta(), new StandbyPromoted("i-1", "n2", 2L, 100L, "f1",
                "n1", 5L)));
        failovers.pipeInput("i-1", new FailoverEventEnvelope(meta(), FailoverCompleted.newBuilder().setInstanceId("i-1")
                .setPrimaryNodeId("n2").setEpoch(2).setDetectionMillis(600).setPromotionMillis(400)
                .setEstimatedDataLossBytes(5).setFailoverId("f1").setKind("PROMOTION").setFailedAt(T)
                .setCompletedAt(T.plusSeconds(1)).setUnavailableMillis(1000).build()));
        InstanceView v = fleet.get("i-1");
        assertThat(v.primary()).isEqualTo("n2");
        assertThat(summary.get("acme").instances()).isEqualTo(1);
        assertThat(summary.get("acme").inFailover()).isEmpty();
        assertThat(v.failover()).satisfies(f -> {
            assertThat(f.state()).isEqualTo(Progress.COMPLETED);
            assertThat(f.outcome().unavailableMillis()).isEqualTo(1000);
            assertThat(f.outcome().dataLossBytes()).isEqualTo(5);
        });
    }

    @Test
    void theFleetViewShowsAPlannedSwitchoverAndAFailedInstance() {
        start(true);
        readyInstance();
        failovers.pipeInput("i-1", new FailoverEventEnvelope(meta(), new io.datastores.events.SwitchoverStarted("i-1",
                "i-1/switchover-1", "n1", "n2", 1L, "alice", "req-1")));
        KeyValueStore<String, InstanceView> fleet = driver.getKeyValueStore(FleetViewTopology.STORE);
        assertThat(fleet.get("i-1").failover()).satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FailoverKind.SWITCHOVER);
            assertThat(f.state()).isEqualTo(Progress.IN_PROGRESS);
            assertThat(f.failedNodeId()).isEqualTo("n1");
        });
        failovers.pipeInput("i-1", new FailoverEventEnvelope(meta(), new io.datastores.events.SwitchoverAborted("i-1",
                "i-1/switchover-1", "the data plane did not prepare it within 30 s")));
        assertThat(fleet.get("i-1").failover().state()).isEqualTo(Progress.ABORTED);
        assertThat(fleet.get("i-1").primary()).isEqualTo("n1");

        instances.pipeInput("i-2", new InstanceEventEnvelope(meta(), InstanceAccepted.newBuilder().setRequestId("r2")
                .setOrganizationId("acme").setInstanceId("i-2").setDisplayName("billing").setEngine(Engine.POSTGRESQL)
                .setCloud(Cloud.GCP).setRegion("europe-west1").setPlan("HOBBYIST").setCatalogVersion("v")
                .setNodeCount(1).setServiceHost("billing.db").build()));
        instances.pipeInput("i-2", new InstanceEventEnvelope(meta(), new io.datastores.events.InstanceFailed("acme",
                "i-2", "i-2-n1", "node i-2-n1 could not be started (attempt 1, not retryable): capacity")));
        assertThat(fleet.get("i-2").status()).isEqualTo(InstanceView.Status.FAILED);
        assertThat(fleet.get("i-2").failureReason()).endsWith("capacity");
        KeyValueStore<String, FleetSummary> summary = driver.getKeyValueStore(FleetViewTopology.SUMMARY_STORE);
        assertThat(summary.get("acme").byStatus()).containsEntry(InstanceView.Status.FAILED, 1L)
                .containsEntry(InstanceView.Status.READY, 1L);
    }

    @Test
    void aShadowDecidesAndProjectsButPublishesNothing() {
        start(false);
        readyInstance();
        importCredential();
        request(new ListingRequested("r-l", "i-1", "acme"));
        assertThat(events.isEmpty()).isTrue();
        assertThat(marketplaceView.isEmpty()).isTrue();
        KeyValueStore<String, ListingView> listing = driver.getKeyValueStore(MarketplaceTopology.LISTING_STORE);
        assertThat(listing.get("i-1").listed()).isTrue();
    }

    private void connect(String requestId, String connectionId) {
        request(ConnectionRequested.newBuilder().setRequestId(requestId).setInstanceId("i-1").setOrganizationId("acme")
                .setConnectionId(connectionId).setComponentId("api").setEnvironment("prod").setCredentialId("c1")
                .setEncryptedSecret(ByteBuffer.wrap(new byte[] {7, 7})).build());
    }

    @Test
    void eachSecretsEndWritesItsKeysTombstone() {
        start(true);
        var keys = driver.createOutputTopic(Topics.CREDENTIAL_KEYS.name(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
        readyInstance();
        importCredential();
        request(new ListingRequested("r-l", "i-1", "acme"));
        connect("r-k1", "k1");
        connect("r-k2", "k2");
        assertThat(keys.isEmpty()).as("nothing ends yet").isTrue();

        request(new CredentialDeletionRequested("r-d", "i-1", "acme", "c1"));
        assertThat(keys.readKeyValuesToList()).as("only the credential's own key")
                .singleElement().satisfies(kv -> {
                    assertThat(kv.key).isEqualTo("c1");
                    assertThat(kv.value).as("a tombstone").isNull();
                });
        request(new ConnectionRemovalRequested("r-x", "i-1", "acme", "k1"));
        assertThat(keys.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("k1");
        connect("r-k3", "k3");
        assertThat(keys.readKeyValuesToList()).as("refused (the credential is deleted): its copy ends at once")
                .extracting(kv -> kv.key).containsExactly("k3");

        instances.pipeInput("i-1", new InstanceEventEnvelope(meta(), new InstanceDeleted("acme", "i-1")));
        assertThat(keys.readKeyValuesToList()).as("the instance's remaining secrets").extracting(kv -> kv.key)
                .containsExactly("k2");
        assertThat(events.readValuesToList()).extracting(e -> e.getPayload().getClass().getSimpleName())
                .doesNotContain("SecretShredded");
    }

    @Test
    void aShadowDestroysNoKey() {
        start(false);
        var keys = driver.createOutputTopic(Topics.CREDENTIAL_KEYS.name(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
        readyInstance();
        importCredential();
        request(new CredentialDeletionRequested("r-d", "i-1", "acme", "c1"));
        assertThat(keys.isEmpty()).isTrue();
    }

    @Test
    void aDecisionIsInItsRequestsConversation_asTheCommandGatewayAwaitsIt() {
        start(true);
        readyInstance();
        importCredential();
        events.readValuesToList();
        String requestId = "request-1"; // the gateway stamps it as event id and correlation id
        commands.pipeInput("i-1", new MarketplaceCommandEnvelope(new EventMetadata(requestId, requestId, null, T,
                "test"), new ListingRequested(requestId, "i-1", "acme")));
        assertThat(events.readRecordsToList()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("i-1");
            assertThat(r.value().getMetadata().getCorrelationId()).isEqualTo(requestId);
            assertThat(r.value().getPayload().getClass().getSimpleName()).isEqualTo("ListingAdded");
        });
    }
}
