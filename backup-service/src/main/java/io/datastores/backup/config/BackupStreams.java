package io.datastores.backup.config;

import java.time.Clock;
import java.time.Duration;

import org.apache.kafka.streams.kstream.KStream;

import io.datastores.backup.domain.BackupDecider;
import io.datastores.backup.topology.BackupTopology;
import io.datastores.events.BackupEventEnvelope;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.service.PlatformBeans.PreparedPlatform;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/**
 * Wires {@link BackupTopology} onto Micronaut's default stream builder. Settings:
 * {@code dcp.backup.deletion-grace} (how long a deleted instance's backups stay, default 7 days),
 * {@code dcp.timer-interval} (how often the wall clock checks schedules, default 30 s).
 */
@Factory
public class BackupStreams {

    @Singleton
    BackupDecider backupDecider(@Value("${dcp.backup.deletion-grace:7d}") Duration deletionGrace) {
        return new BackupDecider(deletionGrace);
    }

    @Singleton
    KStream<String, BackupEventEnvelope> backups(ConfiguredStreamBuilder builder, ContractSerdes serdes,
            BackupDecider decider, Clock clock, @Value("${dcp.timer-interval:30s}") Duration timerInterval,
            PreparedPlatform platform,
            @Value("${dcp.shadow:false}") boolean shadow) {
        return BackupTopology.build(builder, serdes, decider, clock, timerInterval, !shadow);
    }
}
