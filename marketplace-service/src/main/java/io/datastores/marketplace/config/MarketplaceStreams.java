package io.datastores.marketplace.config;

import java.time.Clock;
import java.time.Duration;

import org.apache.kafka.streams.kstream.KStream;

import io.datastores.contract.Topics;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.MarketplaceEventEnvelope;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.marketplace.topology.FleetViewTopology;
import io.datastores.marketplace.topology.HistoryTopology;
import io.datastores.marketplace.topology.MarketplaceTopology;
import io.datastores.marketplace.topology.ViewTopics;
import io.datastores.service.PlatformBeans.PreparedPlatform;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/**
 * Wires {@link FleetViewTopology} and {@link MarketplaceTopology} onto Micronaut's default stream
 * builder. {@code dcp.marketplace.verification-timeout} (60 s): how long the local data plane has to
 * log in with created credentials before they are refused; {@code dcp.marketplace.timer-interval}
 * (1 s): how often the wall clock looks for verifications overdue. With {@code dcp.shadow=true}
 * (and its own {@code kafka.streams.default.application.id}), the service rebuilds its state and
 * read models from the log without publishing anything: a shadow to compare with the live one.
 */
@Factory
public class MarketplaceStreams {

    @Singleton
    KStream<String, MarketplaceEventEnvelope> marketplace(ConfiguredStreamBuilder builder, ContractSerdes serdes,
            PreparedPlatform platform, @Value("${dcp.shadow:false}") boolean shadow, Clock clock,
            @Value("${dcp.marketplace.timer-interval:1s}") Duration timerInterval,
            @Value("${dcp.marketplace.verification-timeout:60s}") Duration verificationTimeout) {
        ViewTopics.ensure(platform.bootstrapServers());
        KStream<String, InstanceEventEnvelope> instanceEvents = DeadLetters.decode(builder, Topics.INSTANCE_EVENTS,
                serdes, FleetViewTopology.SERVICE);
        KStream<String, FailoverEventEnvelope> failoverEvents = DeadLetters.decode(builder, Topics.FAILOVER_EVENTS,
                serdes, FleetViewTopology.SERVICE);
        FleetViewTopology.build(builder, serdes, instanceEvents, failoverEvents, !shadow);
        KStream<String, DataPlaneEventEnvelope> dataPlaneEvents = DeadLetters.decode(builder,
                Topics.DATA_PLANE_EVENTS, serdes, FleetViewTopology.SERVICE);
        KStream<String, MarketplaceEventEnvelope> decided = MarketplaceTopology.build(builder, serdes, instanceEvents,
                dataPlaneEvents, clock, timerInterval, verificationTimeout, !shadow);
        HistoryTopology.build(builder, instanceEvents, failoverEvents,
                DeadLetters.decode(builder, Topics.BACKUP_EVENTS, serdes, FleetViewTopology.SERVICE), decided);
        return decided;
    }
}
