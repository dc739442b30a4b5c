package io.datastores.marketplace.config;

import org.apache.kafka.streams.kstream.KStream;

import io.datastores.kit.serde.ContractSerdes;
import io.datastores.marketplace.domain.InstanceView;
import io.datastores.marketplace.topology.FleetViewTopology;
import io.datastores.service.PlatformBeans.PreparedPlatform;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Wires {@link FleetViewTopology} onto Micronaut's default stream builder. */
@Factory
public class MarketplaceStreams {

    @Singleton
    KStream<String, InstanceView> fleetView(ConfiguredStreamBuilder builder, ContractSerdes serdes,
            PreparedPlatform platform) {
        return FleetViewTopology.build(builder, serdes);
    }
}
