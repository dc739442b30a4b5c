package io.datastores.failover.topology;

import java.time.Clock;
import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;

import io.datastores.contract.Topics;
import io.datastores.events.FailoverCommandEnvelope;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.failover.domain.FailoverCommand;
import io.datastores.failover.domain.FailoverDecider;
import io.datastores.failover.domain.FailoverEvent;
import io.datastores.failover.domain.HeardNodes;
import io.datastores.failover.domain.HeartbeatSplit;
import io.datastores.failover.domain.InstanceHealth;
import io.datastores.failover.domain.RegionCommand;
import io.datastores.failover.domain.RegionEvent;
import io.datastores.failover.domain.RegionGuardDecider;
import io.datastores.failover.domain.RegionState;
import io.datastores.failover.mapping.FailoverEvents;
import io.datastores.failover.mapping.FailoverMapping;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.json.EnvelopeJsonSerde;
import io.datastores.kit.json.StateSerde;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.kit.streams.DeciderProcessor;
import io.datastores.kit.streams.SeenEvents;
import io.datastores.kit.streams.TimeRecording;

/**
 * failover-service's topology, in two stages.
 *
 * <p>The instance stage, keyed by instance id, reads {@code dcp.instance-events} (plans, nodes,
 * deletions), {@code dcp.node-telemetry} (heartbeats, self-diagnostics), {@code dcp.node-alerts}
 * ({@code NodeFailed} from other services), {@code dcp.dataplane-events} (replacements up, restores
 * done, switchovers prepared, commands refused, nodes rewound), {@code dcp.restore-points} (the
 * newest restorable point), the region guard's verdicts on its own {@code dcp.failover-events} and
 * operators' planned switchovers ({@code dcp.failover-commands}, keyed by instance id there). All but
 * the instances' acceptances it takes in the order of its partition of the telemetry ({@link Journal}): the
 * live service relays them there and takes them where it reads them back. It
 * keeps one {@link InstanceHealth} per instance ({@value #STORE}) and runs {@link FailoverDecider},
 * with its time recorded in the log ({@link HeardTime}): a wall-clock timer writes marks of the time
 * heard into the telemetry, and silences and waits are decided where the marks are read back.
 *
 * <p>The region stage, keyed by {@code cloud:region}, hears the instance stage's suspicions and
 * node counts (through a repartition topic) and operators' region decisions ({@code dcp.failover-commands});
 * it keeps one {@link RegionState} per region ({@value #REGION_STORE}) and runs
 * {@link RegionGuardDecider} in event time: each instance partition's progress goes to every region
 * partition ({@link RegionSignals}), where {@link RegionClock} tells the guards how far every
 * partition has come. Both stages write {@code dcp.failover-events}, whose only writer is
 * this service. Undecodable input goes to each topic's {@code .dlq}.
 */
public final class FailoverTopology {

    public static final String SERVICE = "failover-service";
    public static final String STORE = "failover-instances";
    public static final String REGION_STORE = "failover-regions";
    /** What heartbeats change of each instance's health ({@link HeardNodes}), beside {@value #STORE}. */
    public static final String HEARD_STORE = DeciderProcessor.hotStore(STORE);
    /** The region stage's waiting signals (transient: not part of the state a rebuild compares). */
    public static final String REGION_QUEUE_STORE = "failover-region-queue";
    /** Each instance partition's progress sent to the region stage ({@link RegionSignals}; not compared either). */
    public static final String REGION_PROGRESS_STORE = "failover-region-progress";

    private FailoverTopology() {
    }

    /**
     * An instance's health as the stores hold it: its state ({@value #STORE}) joined with what
     * heartbeats changed ({@link #HEARD_STORE}); null when failover does not know the instance.
     */
    public static InstanceHealth health(ReadOnlyKeyValueStore<String, InstanceHealth> instances,
            ReadOnlyKeyValueStore<String, HeardNodes> heard, String instanceId) {
        InstanceHealth cold = instances.get(instanceId);
        return cold == null ? null : new HeartbeatSplit().join(cold, heard.get(instanceId));
    }

    /** The topology as the live service runs it: publishing its decisions. */
    public static KStream<String, FailoverEventEnvelope> build(StreamsBuilder builder, ContractSerdes serdes,
            FailoverDecider decider, RegionGuardDecider guard, Clock clock, Duration timerInterval) {
        return build(builder, serdes, decider, guard, clock, timerInterval, true);
    }

    /** With {@code publish} false, a shadow: it decides and keeps state, and writes no topic but its own. */
    public static KStream<String, FailoverEventEnvelope> build(StreamsBuilder builder, ContractSerdes serdes,
            FailoverDecider decider, RegionGuardDecider guard, Clock clock, Duration timerInterval, boolean publish) {
        return build(builder, serdes, decider, guard, clock, timerInterval, publish,
                Topics.NODE_TELEMETRY.partitions());
    }

    /**
     * With the number of the instance stage's partitions given: the region stage's clock waits for the
     * progress of that many (a test driver runs one).
     */
    public static KStream<String, FailoverEventEnvelope> build(StreamsBuilder builder, ContractSerdes serdes,
            FailoverDecider decider, RegionGuardDecider guard, Clock clock, Duration timerInterval, boolean publish,
            int instancePartitions) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), new InstanceHealthSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REGION_STORE),
                Serdes.String(), new StateSerde<>(RegionState.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REGION_QUEUE_STORE),
                Serdes.String(), new EnvelopeJsonSerde<>(RegionCommand.class)));
        builder.addStateStore(SeenEvents.store(RegionClock.seenStore(REGION_QUEUE_STORE)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REGION_PROGRESS_STORE),
                Serdes.String(), Serdes.Long()));

        builder.addStateStore(Journal.relayedStore());

        // Consume. Operators' commands are read once: region decisions (keyed by region) go to the region
        // stage, switchovers (keyed by instance) are relayed to the instance stage
        KStream<String, FailoverCommandEnvelope> operators = DeadLetters.decode(builder, Topics.FAILOVER_COMMANDS,
                serdes, SERVICE);
        KStream<String, InstanceEventEnvelope> instanceEvents = DeadLetters.decode(builder, Topics.INSTANCE_EVENTS,
                serdes, SERVICE);
        // all but the instances' acceptances reach the instance stage through its telemetry partition
        // (Journal): the live service relays them there; a shadow reads the live service's relays
        if (publish) {
            Journal.relay(builder, serdes, operators, instanceEvents);
        }
        KStream<String, Envelope<FailoverCommand>> commands = instanceEvents
                .flatMapValues(FailoverMapping::fromAcceptance, Named.as("instance-commands"))
                .merge(DeadLetters.decode(builder, Topics.NODE_TELEMETRY, serdes.value(Topics.NODE_TELEMETRY)
                                .deserializer(), Journal.validator(serdes), SERVICE)
                        .process(() -> new Journal.Reader(serdes), Named.as("journal-commands"), Journal.RELAYED_STORE),
                        Named.as("merge-telemetry"));

        // Decide per instance
        // each instance's health in two parts: what heartbeats change (HEARD_STORE), and the rest
        // time is recorded: the timer writes how far it has heard each partition into that partition of the
        // telemetry (HeardTime), and what time owes is decided where that mark is read back, by the live
        // service and by any rebuild alike; a shadow writes none and decides on the live service's marks
        TimeRecording<FailoverEvent> time = publish
                ? TimeRecording.writes((partition, upTo) -> new FailoverEvent.HeardUpTo(partition, upTo))
                : TimeRecording.readsOnly();
        KStream<String, Envelope<FailoverEvent>> events = commands.process(DeciderProcessor.supplier(decider, STORE,
                SERVICE, decider::due, timerInterval, clock, FailoverEvent.TimeDecided::new, new HeartbeatSplit(),
                new HeardNodesSerde(), time), Named.as("decide-instance"), STORE);
        if (publish) {
            events.flatMapValues(e -> FailoverEvents.toMark(e).stream().toList(), Named.as("heard-marks"))
                    .to(Topics.NODE_TELEMETRY.name(), Produced.with(Serdes.String(), serdes.value(Topics.NODE_TELEMETRY))
                            .withStreamPartitioner(HeardTime.PARTITIONER).withName("heard-marks-to-telemetry"));
        }

        // Decide per region, in event time: each instance partition's progress goes to every region partition
        KStream<String, Envelope<RegionCommand>> signals = events
                .process(() -> new RegionSignals(guard.guard().lateness(), REGION_PROGRESS_STORE),
                        Named.as("region-signals-by-region"), REGION_PROGRESS_STORE)
                .repartition(Repartitioned.with(Serdes.String(), new EnvelopeJsonSerde<>(RegionCommand.class))
                        .withStreamPartitioner(RegionSignals.PARTITIONER).withName("region-signals"));
        KStream<String, Envelope<RegionCommand>> decisions = operators
                .flatMapValues(FailoverMapping::fromOperators, Named.as("operator-commands"));
        KStream<String, Envelope<RegionEvent>> regionEvents = signals
                .merge(decisions, Named.as("region-commands"))
                .process(() -> new RegionClock(instancePartitions, REGION_STORE, REGION_QUEUE_STORE, SERVICE),
                        Named.as("region-clock"), REGION_STORE, REGION_QUEUE_STORE,
                        RegionClock.seenStore(REGION_QUEUE_STORE))
                .process(DeciderProcessor.supplier(guard, REGION_STORE, SERVICE), Named.as("decide-region"),
                        REGION_STORE);

        // Produce
        KStream<String, FailoverEventEnvelope> published = events
                .flatMap((id, e) -> FailoverEvents.toAvro(id, e).map(v -> KeyValue.pair(id, v)).stream().toList(),
                        Named.as("instance-events-to-avro"))
                .merge(regionEvents.flatMap(FailoverEvents::regionToAvro, Named.as("region-events-to-avro")),
                        Named.as("published"));
        if (publish) {
            published.to(Topics.FAILOVER_EVENTS.name(),
                    Produced.with(Serdes.String(), serdes.value(Topics.FAILOVER_EVENTS)).withName("failover-events"));
        }
        return published;
    }
}
