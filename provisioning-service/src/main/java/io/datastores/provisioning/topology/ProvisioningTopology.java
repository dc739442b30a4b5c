package io.datastores.provisioning.topology;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

import io.datastores.contract.Topics;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceRequestEnvelope;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.json.JsonSerde;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.kit.streams.DeciderProcessor;
import io.datastores.provisioning.domain.Catalog;
import io.datastores.provisioning.domain.InstanceCommand;
import io.datastores.provisioning.domain.InstanceDecider;
import io.datastores.provisioning.domain.InstanceEvent;
import io.datastores.provisioning.domain.InstanceState;
import io.datastores.provisioning.mapping.InstanceMapping;

/**
 * provisioning-service's topology. Reads {@code dcp.instance-requests} (requests from platform
 * services) and {@code dcp.dataplane-events} (NodeProvisioned); keeps one {@link InstanceState}
 * per instance in the {@value #STORE} store; writes {@code dcp.instance-events}, of which it is the
 * only writer. Undecodable input goes to each topic's {@code .dlq}.
 */
public final class ProvisioningTopology {

    public static final String SERVICE = "provisioning-service";
    public static final String STORE = "instances";

    private ProvisioningTopology() {
    }

    public static KStream<String, InstanceEventEnvelope> build(StreamsBuilder builder, ContractSerdes serdes,
            Catalog catalog) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), new JsonSerde<>(InstanceState.class)));

        // Consume
        KStream<String, InstanceRequestEnvelope> requests =
                DeadLetters.decode(builder, Topics.INSTANCE_REQUESTS, serdes, SERVICE);
        KStream<String, DataPlaneEventEnvelope> dataPlane =
                DeadLetters.decode(builder, Topics.DATA_PLANE_EVENTS, serdes, SERVICE);
        KStream<String, Envelope<InstanceCommand>> commands = requests
                .flatMapValues(InstanceMapping::fromRequest, Named.as("requests-to-commands"))
                .merge(dataPlane.flatMapValues(InstanceMapping::fromDataPlane, Named.as("dataplane-to-commands")),
                        Named.as("commands"));

        // Decide
        KStream<String, Envelope<InstanceEvent>> events = commands.process(
                DeciderProcessor.supplier(new InstanceDecider(catalog), STORE, SERVICE), Named.as("decide"), STORE);

        // Produce
        KStream<String, InstanceEventEnvelope> published = events
                .flatMapValues(e -> InstanceMapping.toAvro(e).stream().toList(), Named.as("events-to-avro"));
        published.to(Topics.INSTANCE_EVENTS.name(),
                Produced.with(Serdes.String(), serdes.value(Topics.INSTANCE_EVENTS)).withName("instance-events"));
        return published;
    }
}
