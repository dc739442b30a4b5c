package io.datastores.marketplace.topology;

import java.time.Clock;
import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

import io.datastores.contract.Topics;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.MarketplaceEventEnvelope;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.json.JsonSerde;
import io.datastores.kit.json.StateSerde;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.kit.streams.DeciderProcessor;
import io.datastores.kit.streams.ProjectionProcessor;
import io.datastores.marketplace.domain.ListingProjection;
import io.datastores.marketplace.domain.ListingView;
import io.datastores.marketplace.domain.MarketplaceCommand;
import io.datastores.marketplace.domain.MarketplaceDecider;
import io.datastores.marketplace.domain.MarketplaceEvent;
import io.datastores.marketplace.domain.MarketplaceState;
import io.datastores.marketplace.domain.VerificationTimer;
import io.datastores.marketplace.json.FlatViews;
import io.datastores.marketplace.mapping.MarketplaceMapping;

/**
 * The marketplace decisions. Reads {@code dcp.instance-events} (which instances exist, where they
 * serve, deletions), {@code dcp.dataplane-events} (the super admin's password the local data plane
 * issued, sealed; its answers to credential verifications) and {@code dcp.marketplace-commands}
 * (callers' requests, written by the HTTP API); keeps one {@link MarketplaceState} per instance
 * ({@value #STORE}), refuses verifications the data plane leaves unanswered ({@link VerificationTimer},
 * looked for every {@code timerInterval} of {@code clock}) and writes
 * {@code dcp.marketplace-events}, of which it is the only writer, and the tombstones of the data keys
 * whose secrets its decisions end on {@code dcp.credential-keys}. Secrets reach it encrypted only.
 * It also folds those events into the marketplace read model ({@link ListingView}, {@value #LISTING_STORE}),
 * published on the compacted {@value ViewTopics#MARKETPLACE}.
 */
public final class MarketplaceTopology {

    public static final String STORE = "marketplace";
    public static final String LISTING_STORE = "marketplace-view";

    private MarketplaceTopology() {
    }

    /** How long the data plane has to answer a verification (event time), by default. */
    public static final Duration VERIFICATION_TIMEOUT = Duration.ofSeconds(60);

    public static KStream<String, MarketplaceEventEnvelope> build(StreamsBuilder builder, ContractSerdes serdes,
            KStream<String, InstanceEventEnvelope> instanceEvents, KStream<String, DataPlaneEventEnvelope> dataPlane,
            Clock clock, Duration timerInterval, Duration verificationTimeout, boolean publish) {
        FlatViews.requireApplied(); // the views' documents are flat, in the stores and on the view topics
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), new MarketplaceStateSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LISTING_STORE),
                Serdes.String(), new StateSerde<>(ListingView.class)));
        // Consume
        KStream<String, Envelope<MarketplaceCommand>> commands = instanceEvents
                .flatMapValues(MarketplaceMapping::fromInstanceEvent, Named.as("marketplace-instance-facts"))
                .merge(DeadLetters.decode(builder, Topics.MARKETPLACE_COMMANDS, serdes, FleetViewTopology.SERVICE)
                        .flatMapValues(MarketplaceMapping::fromCommand, Named.as("marketplace-requests")),
                        Named.as("marketplace-commands"))
                .merge(dataPlane.flatMapValues(MarketplaceMapping::fromDataPlaneEvent,
                        Named.as("marketplace-dataplane-facts")), Named.as("marketplace-all-commands"));
        // Decide
        KStream<String, Envelope<MarketplaceEvent>> events = commands.process(
                DeciderProcessor.supplier(new MarketplaceDecider(), STORE, FleetViewTopology.SERVICE,
                        new VerificationTimer(verificationTimeout), timerInterval, clock),
                Named.as("decide-marketplace"), STORE);
        // Produce
        KStream<String, MarketplaceEventEnvelope> published = events.flatMap((id, e) -> MarketplaceMapping
                .toAvro(id, e).map(v -> KeyValue.pair(id, v)).stream().toList(), Named.as("marketplace-to-avro"));
        if (publish) {
            published.to(Topics.MARKETPLACE_EVENTS.name(), Produced.with(Serdes.String(),
                    serdes.value(Topics.MARKETPLACE_EVENTS)).withName("marketplace-events"));
            // a secret's end: its data key's tombstone, in the same transaction as the decision
            events.flatMap((id, e) -> MarketplaceMapping.shreddedKey(e).map(k -> KeyValue.pair(k, (byte[]) null))
                    .stream().toList(), Named.as("marketplace-shredded-keys"))
                    .to(Topics.CREDENTIAL_KEYS.name(), Produced.with(Serdes.String(), Serdes.ByteArray())
                            .withName("credential-key-tombstones"));
        }
        // Project the marketplace read model, and publish it for dashboards (not from a shadow)
        KStream<String, ListingView> views = events.process(ProjectionProcessor.supplier(new ListingProjection(),
                LISTING_STORE), Named.as("marketplace-project"), LISTING_STORE);
        if (publish) {
            views.to(ViewTopics.MARKETPLACE, Produced.with(Serdes.String(), new JsonSerde<>(ListingView.class))
                    .withName("marketplace-view-topic"));
        }
        return published;
    }
}
