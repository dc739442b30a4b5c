package io.datastores.marketplace.topology;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

import io.datastores.contract.Topics;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.kit.json.JsonSerde;
import io.datastores.kit.json.StateSerde;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.kit.streams.ProjectionProcessor;
import io.datastores.kit.streams.ViewChange;
import io.datastores.marketplace.domain.FleetProjection;
import io.datastores.marketplace.domain.FleetSummary;
import io.datastores.marketplace.domain.InstanceView;
import io.datastores.marketplace.json.FlatViews;
import io.datastores.marketplace.mapping.FleetMapping;

/**
 * marketplace-service's fleet read model. Reads {@code dcp.instance-events}, {@code dcp.failover-events}
 * and {@code dcp.restore-points}; keeps one {@link InstanceView} per instance in the queryable
 * {@value #STORE} store, served over HTTP, with each organization's {@link FleetSummary} beside it in
 * {@value #SUMMARY_STORE}, and publishes each new view on the compacted
 * {@value ViewTopics#FLEET} (JSON) for dashboards.
 */
public final class FleetViewTopology {

    public static final String SERVICE = "marketplace-service";
    public static final String STORE = "fleet-view";
    /** Per organization, the summary of the partition's instances ({@link FleetSummary}). */
    public static final String SUMMARY_STORE = "fleet-summary";

    private FleetViewTopology() {
    }

    public static KStream<String, InstanceView> build(StreamsBuilder builder, ContractSerdes serdes,
            KStream<String, InstanceEventEnvelope> instanceEvents, KStream<String, FailoverEventEnvelope> failoverEvents,
            boolean publish) {
        FlatViews.requireApplied(); // the views' documents are flat, in the stores and on the view topics
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), new StateSerde<>(InstanceView.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SUMMARY_STORE),
                Serdes.String(), new StateSerde<>(FleetSummary.class)));
        // Consume
        var facts = instanceEvents
                .flatMapValues(FleetMapping::fromInstanceEvent, Named.as("instance-facts"))
                .merge(DeadLetters.decode(builder, Topics.RESTORE_POINTS, serdes, SERVICE)
                        .flatMapValues(FleetMapping::fromRestorePoints, Named.as("window-facts")), Named.as("facts"))
                .merge(failoverEvents.flatMapValues(FleetMapping::fromFailoverEvent, Named.as("failover-facts")),
                        Named.as("facts-and-failovers"));
        // Project
        KStream<String, ViewChange<InstanceView>> changes = facts.process(
                ProjectionProcessor.changes(new FleetProjection(), STORE), Named.as("fleet-project"), STORE);
        changes.process(FleetSummaryProcessor::new, Named.as("fleet-summarize"), SUMMARY_STORE);
        KStream<String, InstanceView> views = changes.mapValues(ViewChange::after, Named.as("fleet-views"));
        // Publish (not from a shadow)
        if (publish) {
            views.to(ViewTopics.FLEET, Produced.with(Serdes.String(), new JsonSerde<>(InstanceView.class))
                    .withName("fleet-view-topic"));
        }
        return views;
    }
}
