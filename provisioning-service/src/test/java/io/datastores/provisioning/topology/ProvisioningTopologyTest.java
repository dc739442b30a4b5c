package io.datastores.provisioning.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.datastores.contract.Topics;
import io.datastores.events.BillingEventEnvelope;
import io.datastores.events.Cloud;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.Engine;
import io.datastores.events.EventMetadata;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.InstanceDeletionRequested;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceFailed;
import io.datastores.events.InstanceReady;
import io.datastores.events.InstanceRejected;
import io.datastores.events.InstanceRequestEnvelope;
import io.datastores.events.InstanceRequested;
import io.datastores.events.NodeDecommissionRequested;
import io.datastores.events.NodeProvisioned;
import io.datastores.events.NodeProvisioningFailed;
import io.datastores.events.NodeProvisioningRequested;
import io.datastores.events.NodeRejoined;
import io.datastores.events.OrganizationTier;
import io.datastores.events.OrganizationTierChanged;
import io.datastores.events.PlanChangeRequested;
import io.datastores.events.ReplacementCancelled;
import io.datastores.events.ReplacementNodeRequested;
import io.datastores.events.StandbyPromoted;
import io.datastores.events.TrialExpired;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.serde.MockSchemaRegistry;
import io.datastores.provisioning.config.CatalogLoader;

/** Whole lifecycles through both stages, with the data plane played by the test. */
class ProvisioningTopologyTest {

    private static final String SCOPE = "provisioning-topology-test";
    private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

    /** A wall clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = START;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();
    private TopologyTestDriver driver;
    private TestInputTopic<String, InstanceRequestEnvelope> requests;
    private TestInputTopic<String, byte[]> rawRequests;
    private TestInputTopic<String, BillingEventEnvelope> billing;
    private TestInputTopic<String, DataPlaneEventEnvelope> dataPlane;
    private TestInputTopic<String, FailoverEventEnvelope> failovers;
    private TestOutputTopic<String, InstanceEventEnvelope> events;
    private TestOutputTopic<String, byte[]> deadLetters;
    private int seq;

    @BeforeEach
    void setUp() throws IOException {
        ContractSerdes serdes = new ContractSerdes("mock://" + SCOPE);
        StreamsBuilder builder = new StreamsBuilder();
        try (InputStream in = getClass().getResourceAsStream("/catalog.json")) {
            ProvisioningTopology.build(builder, serdes, CatalogLoader.read(in), clock, Duration.ofMinutes(1));
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "provisioning-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/provisioning-test-"
                + UUID.randomUUID());
        driver = new TopologyTestDriver(builder.build(), props, START);
        requests = driver.createInputTopic(Topics.INSTANCE_REQUESTS.name(), Serdes.String().serializer(),
                serdes.value(Topics.INSTANCE_REQUESTS).serializer());
        rawRequests = driver.createInputTopic(Topics.INSTANCE_REQUESTS.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        billing = driver.createInputTopic(Topics.BILLING_EVENTS.name(), Serdes.String().serializer(),
                serdes.value(Topics.BILLING_EVENTS).serializer());
        dataPlane = driver.createInputTopic(Topics.DATA_PLANE_EVENTS.name(), Serdes.String().serializer(),
                serdes.value(Topics.DATA_PLANE_EVENTS).serializer());
        failovers = driver.createInputTopic(Topics.FAILOVER_EVENTS.name(), Serdes.String().serializer(),
                serdes.value(Topics.FAILOVER_EVENTS).serializer());
        events = driver.createOutputTopic(Topics.INSTANCE_EVENTS.name(), Serdes.String().deserializer(),
                serdes.value(Topics.INSTANCE_EVENTS).deserializer());
        deadLetters = driver.createOutputTopic(Topics.INSTANCE_REQUESTS.deadLetterTopic(),
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
        MockSchemaRegistry.drop(SCOPE);
    }

    private EventMetadata meta() {
        String id = "ev-" + (++seq);
        return new EventMetadata(id, "corr-" + id, null, clock.now, "test");
    }

    private void pays(String org) {
        billing.pipeInput(org, new BillingEventEnvelope(meta(), new OrganizationTierChanged(org, OrganizationTier.PAID)));
    }

    private void request(String org, String id, String name, Engine engine, String plan) {
        requests.pipeInput(id, new InstanceRequestEnvelope(meta(), InstanceRequested.newBuilder().setRequestId("r-" + id)
                .setOrganizationId(org).setInstanceId(id).setDisplayName(name).setEngine(engine).setCloud(Cloud.AWS)
                .setRegion("eu-west-1").setPlan(plan).build()), clock.now);
    }

    private void send(String id, Object payload) {
        requests.pipeInput(id, new InstanceRequestEnvelope(meta(), payload), clock.now);
    }

    /** Plays the data plane: every node asked for comes up. Returns everything provisioning said. */
    private List<Object> settle() {
        List<Object> all = new ArrayList<>();
        List<InstanceEventEnvelope> batch = events.readValuesToList();
        while (!batch.isEmpty()) {
            for (InstanceEventEnvelope e : batch) {
                all.add(e.getPayload());
                if (e.getPayload() instanceof NodeProvisioningRequested n) {
                    dataPlane.pipeInput(n.getInstanceId(), new DataPlaneEventEnvelope(meta(), new NodeProvisioned(
                            n.getInstanceId(), n.getNodeId(), n.getNodeId() + ".h", "10.9.0." + (seq % 250),
                            n.getZone(), null, null)), clock.now);
                }
            }
            batch = events.readValuesToList();
        }
        return all;
    }

    private static List<String> types(List<Object> payloads) {
        return payloads.stream().map(p -> p.getClass().getSimpleName()).toList();
    }

    private static <T> T last(List<Object> payloads, Class<T> type) {
        return payloads.stream().filter(type::isInstance).map(type::cast).reduce((a, b) -> b).orElseThrow();
    }

    private static String rejection(List<Object> payloads) {
        return last(payloads, InstanceRejected.class).getCode();
    }

    @ParameterizedTest(name = "{0} {1}: {2} node(s), {3} connections")
    @CsvSource({"POSTGRESQL,HOBBYIST,1,25", "POSTGRESQL,PREMIUM-8,3,200", "POSTGRESQL_VECTOR,BUSINESS-16,2,400",
            "POSTGRESQL_VECTOR,STARTUP-4,1,100", "MYSQL,STARTUP-2,1,151", "MYSQL,BUSINESS-4,2,401",
            "MYSQL,PREMIUM-4,3,401", "CACHE,HOBBYIST,1,10000", "CACHE,STARTUP-4,1,16384", "CACHE,BUSINESS-8,2,32768",
            "CACHE,PREMIUM-8,3,32768"})
    void requestToReadyForEachEngineAndTier(Engine engine, String plan, int nodes, int limit) {
        pays("org");
        request("org", "i-1", "db", engine, plan);
        List<Object> out = settle();
        assertThat(types(out)).startsWith("InstanceAccepted").endsWith("InstanceReady");
        assertThat(out).filteredOn(NodeProvisioningRequested.class::isInstance).hasSize(nodes);
        InstanceReady ready = last(out, InstanceReady.class);
        assertThat(ready.getNodes()).hasSize(nodes);
        assertThat(ready.getConnectionLimit()).isEqualTo(limit);
        assertThat(ready.getTlsRequired()).isTrue();
        assertThat(ready.getCommandPolicy() != null).isEqualTo(engine == Engine.CACHE);
    }

    @Test
    @DisplayName("Hobbyist upgraded to Premium: two standbys join, ready again with the new limit")
    void upgrade() {
        pays("org");
        request("org", "i-1", "db", Engine.POSTGRESQL, "HOBBYIST");
        settle();
        send("i-1", new PlanChangeRequested("r-up", "org", "i-1", "PREMIUM-8"));
        List<Object> out = settle();
        assertThat(types(out)).containsExactly("PlanChanged", "NodeProvisioningRequested", "NodeProvisioningRequested",
                "InstanceReady");
        assertThat(last(out, InstanceReady.class).getNodes()).hasSize(3);
        assertThat(last(out, InstanceReady.class).getConnectionLimit()).isEqualTo(200);
    }

    @Test
    @DisplayName("Premium downgraded to Startup: standbys decommissioned, ready at once")
    void downgrade() {
        pays("org");
        request("org", "i-1", "db", Engine.MYSQL, "PREMIUM-8");
        settle();
        send("i-1", new PlanChangeRequested("r-down", "org", "i-1", "STARTUP-4"));
        List<Object> out = settle();
        assertThat(types(out)).containsExactly("PlanChanged", "NodeDecommissionRequested", "NodeDecommissionRequested",
                "InstanceReady");
        assertThat(out).filteredOn(NodeDecommissionRequested.class::isInstance)
                .extracting(o -> ((NodeDecommissionRequested) o).getNodeId()).containsExactly("i-1-n3", "i-1-n2");
        assertThat(last(out, InstanceReady.class).getConnectionLimit()).isEqualTo(401);
    }

    @Test
    @DisplayName("a free organization's trial ends on time: suspended, then resumed when it pays")
    void trialExpiry() {
        request("free-org", "i-1", "db", Engine.POSTGRESQL, "HOBBYIST");
        List<Object> out = settle();
        assertThat(last(out, io.datastores.events.InstanceAccepted.class).getTrialEndsAt())
                .isEqualTo(START.plus(Duration.ofDays(7)));
        clock.now = START.plus(Duration.ofDays(6));
        driver.advanceWallClockTime(Duration.ofDays(6));
        assertThat(settle()).isEmpty();
        clock.now = START.plus(Duration.ofDays(7)).plusSeconds(30);
        driver.advanceWallClockTime(Duration.ofDays(1));
        List<Object> expired = settle();
        assertThat(expired).singleElement().isInstanceOfSatisfying(TrialExpired.class, t -> {
            assertThat(t.getAction()).isEqualTo("SUSPENDED");
            assertThat(t.getTrialEndedAt()).isEqualTo(START.plus(Duration.ofDays(7)));
        });
        driver.advanceWallClockTime(Duration.ofDays(1));
        assertThat(settle()).as("expired once").isEmpty();
        pays("free-org");
        assertThat(types(settle())).containsExactly("InstanceResumed");
    }

    @Test
    @DisplayName("a free organization may not run more than Hobbyist")
    void entitlement() {
        request("free-org", "i-1", "db", Engine.POSTGRESQL, "BUSINESS-4");
        assertThat(rejection(settle())).isEqualTo("NOT_ENTITLED");
    }

    @Test
    @DisplayName("deletion, then the display name is free again")
    void deletion() {
        pays("org");
        request("org", "i-1", "orders", Engine.MYSQL, "HOBBYIST");
        settle();
        request("org", "i-2", "Orders", Engine.MYSQL, "HOBBYIST");
        assertThat(rejection(settle())).isEqualTo("DISPLAY_NAME_TAKEN");
        send("i-1", new InstanceDeletionRequested("r-del", "org", "i-1"));
        assertThat(types(settle())).containsExactly("InstanceDeleted");
        requests.pipeInput("i-3", new InstanceRequestEnvelope(meta(), InstanceRequested.newBuilder()
                .setRequestId("r-i-3").setOrganizationId("org").setInstanceId("i-3").setDisplayName("orders")
                .setEngine(Engine.MYSQL).setCloud(Cloud.AWS).setRegion("eu-west-1").setPlan("HOBBYIST").build()));
        assertThat(types(settle())).endsWith("InstanceReady");
    }

    @Test
    @DisplayName("a duplicated request event and a retried request id yield one instance")
    void duplicates() {
        pays("org");
        InstanceRequestEnvelope once = new InstanceRequestEnvelope(meta(), InstanceRequested.newBuilder()
                .setRequestId("r-1").setOrganizationId("org").setInstanceId("i-1").setDisplayName("db")
                .setEngine(Engine.CACHE).setCloud(Cloud.GCP).setRegion("us-central1").setPlan("HOBBYIST").build());
        requests.pipeInput("i-1", once);
        requests.pipeInput("i-1", once);
        requests.pipeInput("i-1", new InstanceRequestEnvelope(meta(), once.getPayload()));
        List<Object> out = settle();
        assertThat(out).filteredOn(io.datastores.events.InstanceAccepted.class::isInstance).hasSize(1);
        assertThat(out).filteredOn(InstanceReady.class::isInstance).hasSize(1);
        assertThat(out).noneMatch(InstanceRejected.class::isInstance);
    }

    /** What the local data plane says of a node: up on loopback, behind the instance's endpoint. */
    private void upBehindEndpoint(NodeProvisioningRequested n, int endpointPort) {
        dataPlane.pipeInput(n.getInstanceId(), new DataPlaneEventEnvelope(meta(), new NodeProvisioned(
                n.getInstanceId(), n.getNodeId(), "localhost", "127.0.0.1:" + (7000 + (seq % 250)), n.getZone(),
                "127.0.0.1", endpointPort)), clock.now);
    }

    private void failure(NodeProvisioningRequested n, boolean retryable, String reason) {
        dataPlane.pipeInput(n.getInstanceId(), new DataPlaneEventEnvelope(meta(), new NodeProvisioningFailed(
                n.getInstanceId(), n.getNodeId(), n.getAttempt(), reason, retryable)), clock.now);
    }

    private static List<NodeProvisioningRequested> asked(List<Object> payloads) {
        return payloads.stream().filter(NodeProvisioningRequested.class::isInstance)
                .map(NodeProvisioningRequested.class::cast).toList();
    }

    private List<Object> drain() {
        return events.readValuesToList().stream().map(e -> (Object) e.getPayload()).toList();
    }

    @Test
    @DisplayName("the local data plane: accepted with the allow-list and limit, ready on its endpoint")
    void endpoint() {
        pays("org");
        requests.pipeInput("i-1", new InstanceRequestEnvelope(meta(), InstanceRequested.newBuilder()
                .setRequestId("r-i-1").setOrganizationId("org").setInstanceId("i-1").setDisplayName("db")
                .setEngine(Engine.POSTGRESQL).setCloud(Cloud.AWS).setRegion("eu-west-1").setPlan("PREMIUM-8")
                .setAllowlist(List.of("127.0.0.0/24")).build()), clock.now);
        List<Object> out = drain();
        io.datastores.events.InstanceAccepted accepted = last(out, io.datastores.events.InstanceAccepted.class);
        assertThat(accepted.getAllowlist()).containsExactly("127.0.0.0/24");
        assertThat(accepted.getConnectionLimit()).isEqualTo(200);
        // the catalog's tier travels in the contract: no consumer parses it from the plan's name
        assertThat(accepted.getTier()).isEqualTo(io.datastores.events.PlanTier.PREMIUM);
        assertThat(asked(out)).allSatisfy(n -> assertThat(n.getAttempt()).isEqualTo(1));
        asked(out).forEach(n -> upBehindEndpoint(n, 6543));
        InstanceReady ready = last(drain(), InstanceReady.class);
        assertThat(ready.getPort()).isEqualTo(6543);
        assertThat(ready.getEndpointAddress()).isEqualTo("127.0.0.1");
        assertThat(ready.getNodes()).allSatisfy(n -> assertThat(n.getIp()).startsWith("127.0.0.1:"));
    }

    @Test
    @DisplayName("a node the data plane could not start: asked again, then the instance FAILED with its reason")
    void provisioningFailures() {
        pays("org");
        request("org", "i-1", "db", Engine.POSTGRESQL, "BUSINESS-4");
        List<NodeProvisioningRequested> first = asked(drain());
        upBehindEndpoint(first.get(0), 6543);
        failure(first.get(1), true, "pg_basebackup: could not connect to server");
        List<Object> retry = drain();
        assertThat(types(retry)).containsExactly("NodeProvisioningRequested");
        NodeProvisioningRequested second = asked(retry).get(0);
        assertThat(second.getNodeId()).isEqualTo(first.get(1).getNodeId());
        assertThat(second.getAttempt()).isEqualTo(2);
        assertThat(second.getEpoch()).isEqualTo(1);

        failure(second, false, "capacity: the local data plane runs 2 nodes at most");
        List<Object> failed = drain();
        assertThat(failed).singleElement().isInstanceOfSatisfying(InstanceFailed.class, f -> {
            assertThat(f.getOrganizationId()).isEqualTo("org");
            assertThat(f.getNodeId()).isEqualTo(second.getNodeId());
            assertThat(f.getReason()).endsWith("capacity: the local data plane runs 2 nodes at most");
        });
        var state = driver.<String, io.datastores.provisioning.domain.InstanceState>getKeyValueStore(
                ProvisioningTopology.STORE).get("i-1");
        assertThat(state.status()).isEqualTo(io.datastores.provisioning.domain.InstanceState.Status.FAILED);
        assertThat(state.failureReason()).contains("capacity");

        send("i-1", new PlanChangeRequested("r-up", "org", "i-1", "PREMIUM-8"));
        assertThat(rejection(drain())).isEqualTo("INSTANCE_FAILED");
        send("i-1", new InstanceDeletionRequested("r-del", "org", "i-1"));
        assertThat(types(drain())).containsExactly("InstanceDeleted");
    }

    @Test
    @DisplayName("a lost primary rejoins as a standby: its replacement cancelled, ready with the nodes as they are")
    void rejoin() {
        pays("org");
        request("org", "i-1", "db", Engine.POSTGRESQL, "PREMIUM-8");
        settle();
        EventMetadata m = meta();
        failovers.pipeInput("i-1", new FailoverEventEnvelope(meta(), new StandbyPromoted("i-1", "i-1-n2", 2L, 900L,
                "i-1/failover-1", "i-1-n1", 0L)), clock.now);
        failovers.pipeInput("i-1", new FailoverEventEnvelope(m, new ReplacementNodeRequested("i-1", "i-1-n1",
                "i-1-r1", io.datastores.events.NodeRole.STANDBY, "eu-west-1a", 2L, "i-1/failover-1",
                "AWS:eu-west-1")), clock.now);
        List<Object> replaced = drain();
        assertThat(replaced).noneMatch(InstanceReady.class::isInstance);
        failovers.pipeInput("i-1", new FailoverEventEnvelope(meta(), new NodeRejoined("i-1", "i-1-n1", 2L,
                null, null)), clock.now);
        failovers.pipeInput("i-1", new FailoverEventEnvelope(meta(), new ReplacementCancelled("i-1", "i-1-r1",
                "i-1-n1", 2L, "i-1-n1 rejoined")), clock.now);
        InstanceReady ready = last(drain(), InstanceReady.class);
        assertThat(ready.getNodes()).extracting(n -> n.getNodeId() + " " + n.getRole())
                .containsExactlyInAnyOrder("i-1-n1 STANDBY", "i-1-n2 PRIMARY", "i-1-n3 STANDBY");
    }

    @Test
    @DisplayName("hostile input: garbage to the DLQ; foreign, unknown and invalid requests rejected with reasons")
    void hostileInput() {
        pays("org");
        pays("other");
        request("org", "i-1", "db", Engine.POSTGRESQL, "HOBBYIST");
        settle();
        rawRequests.pipeInput("i-1", "\u0000\u0000\u0000\u0000\u0001garbage".getBytes(StandardCharsets.UTF_8));
        rawRequests.pipeInput("i-1", new byte[] {1, 2, 3});
        assertThat(deadLetters.readRecordsToList()).hasSize(2);

        send("i-1", new InstanceDeletionRequested("r-x", "other", "i-1"));
        assertThat(rejection(settle())).isEqualTo("WRONG_ORGANIZATION");
        send("i-404", new PlanChangeRequested("r-y", "org", "i-404", "PREMIUM-4"));
        assertThat(rejection(settle())).isEqualTo("UNKNOWN_INSTANCE");
        request("org", "i-2", "x".repeat(200), Engine.MYSQL, "HOBBYIST");
        List<Object> out = settle();
        assertThat(rejection(out)).isEqualTo("INVALID_DISPLAY_NAME");
        assertThat(last(out, InstanceRejected.class).getMessage()).contains("63");
        dataPlane.pipeInput("i-999", new DataPlaneEventEnvelope(meta(), new NodeProvisioned("i-999", "i-999-n1", "h",
                "10.0.0.1", "z", null, null)));
        assertThat(settle()).as("a node nobody asked for yet is held, not published").isEmpty();
        assertThat(driver.<String, io.datastores.provisioning.domain.InstanceState>getKeyValueStore(
                ProvisioningTopology.STORE).get("i-999").early().nodes()).extracting(n -> n.nodeId())
                .containsExactly("i-999-n1");

        InstanceReady ready = null;
        request("org", "i-3", "still works", Engine.POSTGRESQL, "HOBBYIST");
        for (Object o : settle()) {
            if (o instanceof InstanceReady r) {
                ready = r;
            }
        }
        assertThat(ready).isNotNull();
        assertThat(((IndexedRecord) ready).getSchema().getName()).isEqualTo("InstanceReady");
    }
}
