package io.datastores.marketplace.config;

import org.apache.kafka.streams.kstream.KStream;

import io.datastores.contract.Topics;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.MarketplaceEventEnvelope;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.marketplace.topology.FleetViewTopology;
import io.datastores.marketplace.topology.MarketplaceTopology;
import io.datastores.marketplace.topology.ViewTopics;
import io.datastores.service.PlatformBeans.PreparedPlatform;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Wires {@link FleetViewTopology} and {@link MarketplaceTopology} onto Micronaut's default stream builder. */
@Factory
public class MarketplaceStreams {

    @Singleton
    KStream<String, MarketplaceEventEnvelope> marketplace(ConfiguredStreamBuilder builder, ContractSerdes serdes,
            PreparedPlatform platform) {
        ViewTopics.ensure(platform.bootstrapServers());
        KStream<String, InstanceEventEnvelope> instanceEvents = DeadLetters.decode(builder, Topics.INSTANCE_EVENTS,
                serdes, FleetViewTopology.SERVICE);
        FleetViewTopology.build(builder, serdes, instanceEvents);
        return MarketplaceTopology.build(builder, serdes, instanceEvents);
    }
}
