package io.datastores.bench.jmh;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.datastores.contract.Topics;
import io.datastores.events.EventMetadata;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceReady;
import io.datastores.events.NodeHeartbeat;
import io.datastores.events.NodeInfo;
import io.datastores.events.NodeRole;
import io.datastores.events.NodeTelemetryEnvelope;
import io.datastores.kit.serde.AvroSerde;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.serde.MockSchemaRegistry;

/**
 * Our Confluent-format Avro serde: a heartbeat (the most frequent record) and an instance's
 * readiness (one of the largest) encoded and decoded, the schema id already cached as in a service.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SerdeBenchmark {

    private final String scope = "jmh-serde-" + UUID.randomUUID();
    private AvroSerde<NodeTelemetryEnvelope> telemetry;
    private AvroSerde<InstanceEventEnvelope> instances;
    private NodeTelemetryEnvelope heartbeat;
    private InstanceEventEnvelope ready;
    private byte[] heartbeatBytes;
    private byte[] readyBytes;

    @Setup
    public void setUp() {
        ContractSerdes serdes = new ContractSerdes("mock://" + scope);
        telemetry = serdes.value(Topics.NODE_TELEMETRY);
        instances = serdes.value(Topics.INSTANCE_EVENTS);
        EventMetadata meta = new EventMetadata(UUID.randomUUID().toString(), "c", null, Instant.now(), "jmh");
        heartbeat = new NodeTelemetryEnvelope(meta, new NodeHeartbeat("i-1", "i-1-n1", NodeRole.PRIMARY, 123_456L, 3L));
        ready = new InstanceEventEnvelope(meta, InstanceReady.newBuilder().setOrganizationId("org").setInstanceId("i-1")
                .setServiceHost("i-1.db.example").setPort(5432).setTlsRequired(true).setConnectionLimit(200)
                .setAllowlist(List.of("10.0.0.0/8", "192.168.0.0/16"))
                .setNodes(List.of(new NodeInfo("i-1-n1", NodeRole.PRIMARY, "a", "h1", "10.0.0.1"),
                        new NodeInfo("i-1-n2", NodeRole.STANDBY, "b", "h2", "10.0.0.2"),
                        new NodeInfo("i-1-n3", NodeRole.STANDBY, "c", "h3", "10.0.0.3")))
                .setCatalogVersion("v1").build());
        heartbeatBytes = telemetry.serializer().serialize(Topics.NODE_TELEMETRY.name(), heartbeat);
        readyBytes = instances.serializer().serialize(Topics.INSTANCE_EVENTS.name(), ready);
    }

    @TearDown
    public void tearDown() {
        MockSchemaRegistry.drop(scope);
    }

    @Benchmark
    public byte[] encodeHeartbeat() {
        return telemetry.serializer().serialize(Topics.NODE_TELEMETRY.name(), heartbeat);
    }

    @Benchmark
    public NodeTelemetryEnvelope decodeHeartbeat() {
        return telemetry.deserializer().deserialize(Topics.NODE_TELEMETRY.name(), heartbeatBytes);
    }

    @Benchmark
    public byte[] encodeInstanceReady() {
        return instances.serializer().serialize(Topics.INSTANCE_EVENTS.name(), ready);
    }

    @Benchmark
    public InstanceEventEnvelope decodeInstanceReady() {
        return instances.deserializer().deserialize(Topics.INSTANCE_EVENTS.name(), readyBytes);
    }
}
