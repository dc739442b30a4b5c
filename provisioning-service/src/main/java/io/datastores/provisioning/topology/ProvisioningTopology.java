package io.datastores.provisioning.topology;

import java.time.Clock;
import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import io.datastores.contract.Topics;
import io.datastores.events.InstanceRejected;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.json.EnvelopeJsonSerde;
import io.datastores.kit.json.StateSerde;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.kit.streams.DeciderProcessor;
import io.datastores.provisioning.domain.Catalog;
import io.datastores.provisioning.domain.InstanceCommand;
import io.datastores.provisioning.domain.InstanceDecider;
import io.datastores.provisioning.domain.InstanceEvent;
import io.datastores.provisioning.domain.InstanceState;
import io.datastores.provisioning.domain.OrganizationCommand;
import io.datastores.provisioning.domain.OrganizationDecider;
import io.datastores.provisioning.domain.OrganizationEvent;
import io.datastores.provisioning.domain.OrganizationState;
import io.datastores.provisioning.mapping.InstanceMapping;

/**
 * provisioning-service's topology, in two stages.
 *
 * <p>The organization stage, keyed by organization id, reads {@code dcp.instance-requests}
 * (re-keyed), {@code dcp.billing-events} and provisioning's own {@code dcp.instance-events} (what
 * became of its requests); it validates new instances, enforces the entitlement and unique
 * display names ({@value #ORG_STORE} store). The instance stage, keyed by instance id, reads what
 * the first stage admitted, {@code dcp.dataplane-events} (NodeProvisioned,
 * NodeProvisioningFailed) and {@code dcp.failover-events} (replacements, promotions, rejoined
 * nodes and cancelled replacements change its nodes); it keeps one {@link InstanceState} per
 * instance ({@value #STORE} store) and expires trials on a wall-clock timer. Both stages write
 * {@code dcp.instance-events}, whose only writer is this service. Undecodable input goes to each
 * topic's {@code .dlq}.
 *
 * <p>Both stores are written in the kit's binary state format ({@link StateSerde}) and read the
 * JSON text the previous version stored; the instances store converts that version's flat shape
 * ({@link InstanceStateSerde}).
 */
public final class ProvisioningTopology {

    public static final String SERVICE = "provisioning-service";
    public static final String STORE = "instances";
    public static final String ORG_STORE = "organizations";

    private ProvisioningTopology() {
    }

    /** The topology as the live service runs it: publishing its decisions. */
    public static KStream<String, InstanceEventEnvelope> build(StreamsBuilder builder,
            ContractSerdes serdes, Catalog catalog, Clock clock, Duration timerInterval) {
        return build(builder, serdes, catalog, clock, timerInterval, true);
    }

    /**
     * With {@code publish} false, a shadow: it decides and keeps state, and writes no topic but
     * its own.
     */
    public static KStream<String, InstanceEventEnvelope> build(StreamsBuilder builder,
            ContractSerdes serdes, Catalog catalog, Clock clock, Duration timerInterval,
            boolean publish) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ORG_STORE), Serdes.String(),
                new StateSerde<>(OrganizationState.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), new InstanceStateSerde()));

        // Consume, and key by organization
        KStream<String, Envelope<OrganizationCommand>> requests = DeadLetters
                .decode(builder, Topics.INSTANCE_REQUESTS, serdes, SERVICE)
                .selectKey((k, v) -> InstanceMapping.organizationOf(v),
                        Named.as("requests-by-organization-key"))
                .repartition(Repartitioned
                        .with(Serdes.String(), serdes.value(Topics.INSTANCE_REQUESTS))
                        .withName("requests-by-organization"))
                .flatMapValues(InstanceMapping::screen, Named.as("screen"));
        KStream<String, Envelope<OrganizationCommand>> outcomes = DeadLetters
                .decode(builder, Topics.INSTANCE_EVENTS, serdes, SERVICE)
                .flatMap((k, v) -> InstanceMapping.outcomeOrganization(v)
                        .map(org -> KeyValue.pair(org, v)).stream().toList(),
                        Named.as("outcomes-by-organization-key"))
                .repartition(Repartitioned
                        .with(Serdes.String(), serdes.value(Topics.INSTANCE_EVENTS))
                        .withName("outcomes-by-organization"))
                .flatMapValues(InstanceMapping::outcome, Named.as("outcomes"));
        KStream<String, Envelope<OrganizationCommand>> tiers = DeadLetters
                .decode(builder, Topics.BILLING_EVENTS, serdes, SERVICE)
                .flatMapValues(InstanceMapping::fromBilling, Named.as("tiers"));

        // Decide per organization
        KStream<String, Envelope<OrganizationEvent>> screened = requests
                .merge(outcomes, Named.as("merge-outcomes"))
                .merge(tiers, Named.as("merge-tiers"))
                .process(DeciderProcessor.supplier(new OrganizationDecider(catalog), ORG_STORE,
                        SERVICE), Named.as("decide-organization"), ORG_STORE);

        // Key by instance, decide per instance
        KStream<String, Envelope<InstanceCommand>> admitted = screened
                .flatMap((org, e) -> InstanceMapping.toInstance(e)
                        .map(c -> KeyValue.pair(c.body().instanceId(), c)).stream().toList(),
                        Named.as("admitted"))
                .repartition(Repartitioned
                        .with(Serdes.String(), new EnvelopeJsonSerde<>(InstanceCommand.class))
                        .withName("admitted-by-instance"));
        KStream<String, Envelope<InstanceCommand>> dataPlane = DeadLetters
                .decode(builder, Topics.DATA_PLANE_EVENTS, serdes, SERVICE)
                .flatMapValues(InstanceMapping::fromDataPlane, Named.as("dataplane-to-commands"));
        KStream<String, Envelope<InstanceCommand>> failovers = DeadLetters
                .decode(builder, Topics.FAILOVER_EVENTS, serdes, SERVICE)
                .flatMapValues(InstanceMapping::fromFailover, Named.as("failover-to-commands"));
        KStream<String, Envelope<InstanceEvent>> events = admitted
                .merge(dataPlane, Named.as("instance-commands"))
                .merge(failovers, Named.as("merge-failovers"))
                .process(DeciderProcessor.supplier(new InstanceDecider(catalog), STORE, SERVICE,
                        InstanceDecider::due, timerInterval, clock), Named.as("decide-instance"),
                        STORE);

        // Produce
        KStream<String, InstanceEventEnvelope> refusals = screened
                .flatMap((org, e) -> InstanceMapping.refusal(e)
                        .map(r -> KeyValue.pair(
                                ((InstanceRejected) r.getPayload()).getInstanceId(), r))
                        .stream().toList(), Named.as("refusals"));
        KStream<String, InstanceEventEnvelope> published = events
                .flatMapValues(e -> InstanceMapping.toAvro(e).stream().toList(),
                        Named.as("events-to-avro"))
                .merge(refusals, Named.as("published"));
        if (publish) {
            published.to(Topics.INSTANCE_EVENTS.name(), Produced
                    .with(Serdes.String(), serdes.value(Topics.INSTANCE_EVENTS))
                    .withName("instance-events"));
        }
        return published;
    }
}
