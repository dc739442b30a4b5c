package io.datastores.failover.api;

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
import io.datastores.events.RegionFailoverDecision;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.service.PlatformBeans.PreparedPlatform;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/** Appends operators' region decisions to {@code dcp.failover-commands}; the topology applies them. */
@Singleton
public class RegionDecisions {

    private final KafkaProducer<String, FailoverCommandEnvelope> producer;

    public RegionDecisions(PreparedPlatform platform, ContractSerdes serdes) {
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                platform.bootstrapServers(), ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), serdes.value(Topics.FAILOVER_COMMANDS).serializer());
    }

    /** Appends the decision and returns its event id once the broker has it. */
    public String send(String region, String action, String operator, String note) throws Exception {
        String id = UUID.randomUUID().toString();
        producer.send(new ProducerRecord<>(Topics.FAILOVER_COMMANDS.name(), region, new FailoverCommandEnvelope(
                new EventMetadata(id, id, null, Instant.now(), "failover-service (operator API)"),
                new RegionFailoverDecision(region, action, operator, note)))).get(30, TimeUnit.SECONDS);
        return id;
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
