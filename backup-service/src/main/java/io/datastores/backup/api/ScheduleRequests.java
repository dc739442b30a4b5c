package io.datastores.backup.api;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.datastores.contract.Topics;
import io.datastores.events.BackupCommandEnvelope;
import io.datastores.events.BackupScheduleSet;
import io.datastores.events.EventMetadata;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.service.PlatformBeans.PreparedPlatform;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/** Appends operators' schedule overrides to {@code dcp.backup-commands}; the topology applies them. */
@Singleton
public class ScheduleRequests {

    private final KafkaProducer<String, BackupCommandEnvelope> producer;

    public ScheduleRequests(PreparedPlatform platform, ContractSerdes serdes) {
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(),
                serdes.value(Topics.BACKUP_COMMANDS).serializer());
    }

    /** Appends the override and returns its event id once the broker has it. */
    public String set(String instanceId, Integer minuteOfDay) throws InterruptedException, ExecutionException,
            TimeoutException {
        String id = UUID.randomUUID().toString();
        producer.send(new ProducerRecord<>(Topics.BACKUP_COMMANDS.name(), instanceId, new BackupCommandEnvelope(
                new EventMetadata(id, id, null, Instant.now(), "backup-service (operator API)"),
                new BackupScheduleSet(instanceId, minuteOfDay)))).get(30, TimeUnit.SECONDS);
        return id;
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
