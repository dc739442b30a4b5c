package io.datastores.provisioning.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.datastores.contract.Topics;
import io.datastores.events.Cloud;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.Engine;
import io.datastores.events.EventMetadata;
import io.datastores.events.InstanceAccepted;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceReady;
import io.datastores.events.InstanceRejected;
import io.datastores.events.InstanceRequestEnvelope;
import io.datastores.events.InstanceRequested;
import io.datastores.events.NodeProvisioned;
import io.datastores.events.NodeProvisioningRequested;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.serde.MockSchemaRegistry;
import io.datastores.provisioning.config.CatalogLoader;

class ProvisioningTopologyTest {

    private static final String SCOPE = "provisioning-topology-test";
    private TopologyTestDriver driver;
    private TestInputTopic<String, InstanceRequestEnvelope> requests;
    private TestInputTopic<String, DataPlaneEventEnvelope> dataPlane;
    private TestOutputTopic<String, InstanceEventEnvelope> events;

    @BeforeEach
    void setUp() throws java.io.IOException {
        ContractSerdes serdes = new ContractSerdes("mock://" + SCOPE);
        StreamsBuilder builder = new StreamsBuilder();
        try (var in = getClass().getResourceAsStream("/catalog.json")) {
            ProvisioningTopology.build(builder, serdes, CatalogLoader.read(in));
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "provisioning-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/provisioning-test");
        driver = new TopologyTestDriver(builder.build(), props);
        requests = driver.createInputTopic(Topics.INSTANCE_REQUESTS.name(), Serdes.String().serializer(),
                serdes.value(Topics.INSTANCE_REQUESTS).serializer());
        dataPlane = driver.createInputTopic(Topics.DATA_PLANE_EVENTS.name(), Serdes.String().serializer(),
                serdes.value(Topics.DATA_PLANE_EVENTS).serializer());
        events = driver.createOutputTopic(Topics.INSTANCE_EVENTS.name(), Serdes.String().deserializer(),
                serdes.value(Topics.INSTANCE_EVENTS).deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
        MockSchemaRegistry.drop(SCOPE);
    }

    private static EventMetadata meta(String id) {
        return new EventMetadata(id, "corr-" + id, null, Instant.parse("2026-11-22T10:00:00Z"), "test");
    }

    private static InstanceRequestEnvelope request(String instanceId, boolean tls) {
        return new InstanceRequestEnvelope(meta("req-" + instanceId), InstanceRequested.newBuilder()
                .setRequestId("r-" + instanceId).setOrganizationId("org").setInstanceId(instanceId)
                .setDisplayName("orders").setEngine(Engine.POSTGRESQL).setCloud(Cloud.AWS).setRegion("eu-west-1")
                .setPlan("BUSINESS-4").setTlsRequired(tls).build());
    }

    @Test
    void requestToReadyThroughTheDataPlane() {
        requests.pipeInput("i-1", request("i-1", true));
        List<InstanceEventEnvelope> first = events.readValuesToList();
        assertThat(first).extracting(e -> e.getPayload().getClass().getSimpleName())
                .containsExactly("InstanceAccepted", "NodeProvisioningRequested", "NodeProvisioningRequested");
        assertThat(first).allSatisfy(e -> {
            assertThat(e.getMetadata().getCorrelationId()).isEqualTo("corr-req-i-1");
            assertThat(e.getMetadata().getCausationId()).isEqualTo("req-i-1");
            assertThat(e.getMetadata().getProducer()).isEqualTo(ProvisioningTopology.SERVICE);
        });
        for (InstanceEventEnvelope e : first.subList(1, 3)) {
            NodeProvisioningRequested n = (NodeProvisioningRequested) e.getPayload();
            dataPlane.pipeInput("i-1", new DataPlaneEventEnvelope(meta("up-" + n.getNodeId()),
                    new NodeProvisioned("i-1", n.getNodeId(), n.getNodeId() + ".h", "10.1.1.1", n.getZone())));
        }
        assertThat(events.readValuesToList()).singleElement()
                .satisfies(e -> assertThat(e.getPayload()).isInstanceOfSatisfying(InstanceReady.class,
                        r -> assertThat(r.getNodes()).hasSize(2)));
    }

    @Test
    void replayingTheSameRequestEventYieldsNothingNew() {
        requests.pipeInput("i-2", request("i-2", true));
        events.readValuesToList();
        requests.pipeInput("i-2", request("i-2", true));
        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void aPlaintextRequestIsRejectedWithItsReason() {
        requests.pipeInput("i-3", request("i-3", false));
        assertThat(events.readValue().getPayload()).isInstanceOfSatisfying(InstanceRejected.class, r -> {
            assertThat(r.getCode()).isEqualTo("PLAINTEXT_NOT_ALLOWED");
            assertThat(r.getMessage()).contains("TLS");
        });
    }
}
