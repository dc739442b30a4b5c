package io.datastores.backup.config;

import org.apache.kafka.streams.kstream.KStream;

import io.datastores.backup.topology.BackupTopology;
import io.datastores.events.BackupEventEnvelope;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.service.PlatformBeans.PreparedPlatform;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Wires {@link BackupTopology} onto Micronaut's default stream builder. */
@Factory
public class BackupStreams {

    @Singleton
    KStream<String, BackupEventEnvelope> backups(ConfiguredStreamBuilder builder, ContractSerdes serdes,
            PreparedPlatform platform) {
        return BackupTopology.build(builder, serdes);
    }
}
