package io.datastores.dataplane.run;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.datastores.contract.Topics;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.EventMetadata;
import io.datastores.events.NodeDiagnosticsReported;
import io.datastores.events.NodeHeartbeat;
import io.datastores.events.NodeTelemetryEnvelope;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.serde.EnvelopeSerializer;

/**
 * What the data plane says, on the topics it writes: {@code dcp.dataplane-events} (what happened to
 * nodes, backups, restores, switchovers, commands) and {@code dcp.node-telemetry} (heartbeats and
 * self-diagnostics), keyed by instance id. Each event names the control-plane event that caused it.
 */
public final class Outbox implements AutoCloseable {

    public static final String PRODUCER = "local-data-plane";

    private final KafkaProducer<String, Object> producer;
    private final Clock clock;

    public Outbox(String bootstrap, ContractSerdes serdes, Clock clock) {
        this.clock = clock;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new EnvelopeSerializer(serdes));
    }

    /** Sends {@code event}, caused by {@code cause} (null: the data plane's own initiative). */
    public void send(String instanceId, Object event, EventMetadata cause) {
        long now = clock.millis();
        EventMetadata meta = new EventMetadata(UUID.randomUUID().toString(),
                cause == null ? UUID.randomUUID().toString() : cause.getCorrelationId(),
                cause == null ? null : cause.getEventId(), java.time.Instant.ofEpochMilli(now), PRODUCER);
        boolean telemetry = event instanceof NodeHeartbeat || event instanceof NodeDiagnosticsReported;
        Object envelope = telemetry ? new NodeTelemetryEnvelope(meta, event) : new DataPlaneEventEnvelope(meta, event);
        String topic = telemetry ? Topics.NODE_TELEMETRY.name() : Topics.DATA_PLANE_EVENTS.name();
        producer.send(new ProducerRecord<>(topic, null, now, instanceId, envelope));
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
