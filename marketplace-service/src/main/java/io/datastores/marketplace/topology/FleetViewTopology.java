package io.datastores.marketplace.topology;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

import io.datastores.contract.Topics;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.RestorePointsEnvelope;
import io.datastores.kit.json.JsonSerde;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.kit.streams.ProjectionProcessor;
import io.datastores.marketplace.domain.FleetProjection;
import io.datastores.marketplace.domain.InstanceView;
import io.datastores.marketplace.mapping.FleetMapping;

/**
 * marketplace-service's fleet read model. Reads {@code dcp.instance-events} and
 * {@code dcp.restore-points}; keeps one
 * {@link InstanceView} per instance in the queryable {@value #STORE} store, served over HTTP.
 */
public final class FleetViewTopology {

    public static final String SERVICE = "marketplace-service";
    public static final String STORE = "fleet-view";

    private FleetViewTopology() {
    }

    public static KStream<String, InstanceView> build(StreamsBuilder builder, ContractSerdes serdes) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), new JsonSerde<>(InstanceView.class)));
        // Consume
        KStream<String, InstanceEventEnvelope> events =
                DeadLetters.decode(builder, Topics.INSTANCE_EVENTS, serdes, SERVICE);
        KStream<String, RestorePointsEnvelope> windows =
                DeadLetters.decode(builder, Topics.RESTORE_POINTS, serdes, SERVICE);
        // Project
        return events
                .flatMapValues(FleetMapping::fromInstanceEvent, Named.as("instance-facts"))
                .merge(windows.flatMapValues(FleetMapping::fromRestorePoints, Named.as("window-facts")),
                        Named.as("facts"))
                .process(ProjectionProcessor.supplier(new FleetProjection(), STORE), Named.as("fleet-project"), STORE);
    }
}
