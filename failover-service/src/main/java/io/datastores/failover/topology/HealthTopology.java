package io.datastores.failover.topology;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

import io.datastores.contract.Topics;
import io.datastores.failover.domain.HealthSignal;
import io.datastores.failover.domain.NodeHealthProjection;
import io.datastores.failover.domain.NodeHealthView;
import io.datastores.failover.mapping.HealthMapping;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.json.JsonSerde;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.kit.streams.ProjectionProcessor;

/**
 * failover-service's view of node health. Reads {@code dcp.instance-events} (planned nodes),
 * {@code dcp.node-telemetry} (heartbeats, diagnostics) and {@code dcp.node-alerts} (failures
 * reported by platform services); keeps one {@link NodeHealthView} per instance in the queryable
 * {@value #STORE} store. It is the writer of {@code dcp.failover-events}, which the decisions of
 * detection and promotion will fill.
 */
public final class HealthTopology {

    public static final String SERVICE = "failover-service";
    public static final String STORE = "node-health";

    private HealthTopology() {
    }

    public static KStream<String, NodeHealthView> build(StreamsBuilder builder, ContractSerdes serdes) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), new JsonSerde<>(NodeHealthView.class)));
        // Consume
        KStream<String, Envelope<HealthSignal>> signals = DeadLetters
                .decode(builder, Topics.INSTANCE_EVENTS, serdes, SERVICE)
                .flatMapValues(HealthMapping::fromInstanceEvent, Named.as("instance-signals"))
                .merge(DeadLetters.decode(builder, Topics.NODE_TELEMETRY, serdes, SERVICE)
                        .flatMapValues(HealthMapping::fromTelemetry, Named.as("telemetry-signals")),
                        Named.as("merge-telemetry"))
                .merge(DeadLetters.decode(builder, Topics.NODE_ALERTS, serdes, SERVICE)
                        .flatMapValues(HealthMapping::fromAlert, Named.as("alert-signals")),
                        Named.as("merge-alerts"));
        // Project
        return signals.process(ProjectionProcessor.supplier(new NodeHealthProjection(), STORE),
                Named.as("health-project"), STORE);
    }
}
