package io.datastores.failover.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.datastores.contract.Topics;
import io.datastores.events.EventMetadata;
import io.datastores.events.FailoverCommandEnvelope;
import io.datastores.events.SwitchoverRequested;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.service.PlatformBeans.PreparedPlatform;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/**
 * Appends operators' planned switchovers to {@code dcp.failover-commands}, keyed by instance id; the
 * topology routes them to the instance's decider. The event id is derived from the request id, so a
 * request sent again with its id is decided once.
 */
@Singleton
public class SwitchoverRequests {

    private final KafkaProducer<String, FailoverCommandEnvelope> producer;

    public SwitchoverRequests(PreparedPlatform platform, ContractSerdes serdes) {
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                platform.bootstrapServers(), ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), serdes.value(Topics.FAILOVER_COMMANDS).serializer());
    }

    /** Appends the request and returns once the broker has it. */
    public void send(String requestId, String instanceId, String targetNodeId, String operator, String note)
            throws Exception {
        String eventId = UUID.nameUUIDFromBytes(("switchover/" + instanceId + "/" + requestId)
                .getBytes(StandardCharsets.UTF_8)).toString();
        producer.send(new ProducerRecord<>(Topics.FAILOVER_COMMANDS.name(), instanceId, new FailoverCommandEnvelope(
                new EventMetadata(eventId, requestId, null, Instant.now(), "failover-service (operator API)"),
                new SwitchoverRequested(requestId, instanceId, targetNodeId, operator, note))))
                .get(30, TimeUnit.SECONDS);
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
