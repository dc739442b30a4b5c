package io.datastores.failover.config;

import org.apache.kafka.streams.kstream.KStream;

import io.datastores.failover.domain.NodeHealthView;
import io.datastores.failover.topology.HealthTopology;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.service.PlatformBeans.PreparedPlatform;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Wires {@link HealthTopology} onto Micronaut's default stream builder. */
@Factory
public class FailoverStreams {

    @Singleton
    KStream<String, NodeHealthView> nodeHealth(ConfiguredStreamBuilder builder, ContractSerdes serdes,
            PreparedPlatform platform) {
        return HealthTopology.build(builder, serdes);
    }
}
