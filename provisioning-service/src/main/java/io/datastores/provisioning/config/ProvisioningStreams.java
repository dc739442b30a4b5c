package io.datastores.provisioning.config;

import java.time.Clock;
import java.time.Duration;

import org.apache.kafka.streams.kstream.KStream;

import io.datastores.events.InstanceEventEnvelope;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.provisioning.domain.Catalog;
import io.datastores.provisioning.topology.ProvisioningTopology;
import io.datastores.service.PlatformBeans.PreparedPlatform;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/** Wires {@link ProvisioningTopology} onto Micronaut's default stream builder. */
@Factory
public class ProvisioningStreams {

    @Singleton
    KStream<String, InstanceEventEnvelope> provisioning(ConfiguredStreamBuilder builder, ContractSerdes serdes,
            Catalog catalog, Clock clock, @Value("${dcp.timer-interval:30s}") Duration timerInterval,
            PreparedPlatform platform,
            @Value("${dcp.shadow:false}") boolean shadow) {
        return ProvisioningTopology.build(builder, serdes, catalog, clock, timerInterval, !shadow);
    }
}
