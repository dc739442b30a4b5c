package io.datastores.failover.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import io.datastores.contract.TopicSpec;
import io.datastores.contract.Topics;
import io.datastores.events.EventMetadata;
import io.datastores.events.FailoverCommandEnvelope;
import io.datastores.events.InputRelayed;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.NodeTelemetryEnvelope;
import io.datastores.failover.domain.FailoverCommand;
import io.datastores.failover.mapping.FailoverMapping;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.kit.streams.EnvelopeMeta;

/**
 * What the instance stage is told on other topics than the telemetry it takes where the telemetry
 * holds it. The region guard's verdicts ({@code NodeLossConfirmed}, {@code NodeSuspicionDismissed} on
 * {@code dcp.failover-events}), operators' switchover requests ({@code dcp.failover-commands}), the
 * data plane's answers ({@code dcp.dataplane-events}), restore points and alerts arrive on topics of
 * their own, whose records a task takes in an order that depends on when they arrived: live, a verdict
 * is taken when it comes, seconds after the suspicion whose time it carries; a rebuild, reading the
 * log later, takes it by that timestamp, among heartbeats it was never among live. So the live service
 * does not decide on them where it reads them: it relays each into the telemetry partition of the same
 * key ({@link InputRelayed}: its topic, partition, offset and value), inside the transaction that
 * reads it, and decides on it where it reads the copy back. A rebuild reads the copies at the same
 * places among the same heartbeats and decides the same; a shadow relays nothing and does not read
 * those topics for the instance stage.
 *
 * <p>The instance events after an acceptance are relayed too: a node's address comes with
 * {@code InstanceReady}, and a blocked failover promotes a standby at the first heartbeat after its
 * address is known, so where that event stands among the heartbeats is a decision. An instance's
 * acceptance and the nodes provisioning asks for ({@code NodeProvisioningRequested}) are read where
 * they are: they say what the telemetry is about, and relayed they would land behind the telemetry
 * written while a relay was pending (a whole outage's worth, after a kill), so the instance's own
 * failure reports, a primary's SEVERE diagnosis among them, would be read before its node was known
 * (a node is known from its request, watched once it is up). A copy written twice (a rebuild in place, or a new application id
 * reading its sources from the start) is skipped: each partition remembers the last offset of every
 * source partition it has taken ({@value #RELAYED_STORE}).
 */
final class Journal {

    /** Per source topic and partition, the last offset this partition's task has taken a copy of. */
    static final String RELAYED_STORE = "failover-relayed";

    /** One input the stage takes through the journal: its topic and the commands its records mean. */
    record Source<T extends SpecificRecord>(TopicSpec<T> topic, Function<T, List<Envelope<FailoverCommand>>> commands) {
    }

    /**
     * What the instance stage takes through its telemetry: the guard's verdicts, operators' switchovers,
     * the data plane's answers (nodes provisioned, switchovers prepared, restores done, commands
     * refused), restore points, alerts, and the instance events after an acceptance (nodes, plan changes,
     * decommissions, deletion). Not the acceptances and node requests, which say what the telemetry is about.
     */
    static final List<Source<?>> SOURCES = List.of(
            new Source<>(Topics.INSTANCE_EVENTS, FailoverMapping::fromInstanceChanges),
            new Source<>(Topics.FAILOVER_EVENTS, FailoverMapping::fromVerdicts),
            new Source<>(Topics.FAILOVER_COMMANDS, FailoverMapping::fromSwitchoverRequests),
            new Source<>(Topics.DATA_PLANE_EVENTS, FailoverMapping::fromDataPlane),
            new Source<>(Topics.RESTORE_POINTS, FailoverMapping::fromRestorePoints),
            new Source<>(Topics.NODE_ALERTS, FailoverMapping::fromAlert));

    private static final Map<String, Source<?>> BY_TOPIC = SOURCES.stream()
            .collect(Collectors.toUnmodifiableMap(s -> s.topic().name(), s -> s));

    private Journal() {
    }

    static StoreBuilder<KeyValueStore<String, Long>> relayedStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RELAYED_STORE), Serdes.String(),
                Serdes.Long());
    }

    /**
     * The live service's relays: the sources' records that mean a command to the stage, copied into the
     * telemetry partition of their key. {@code operators} is {@code dcp.failover-commands} already
     * decoded (the region stage reads it too).
     */
    static void relay(StreamsBuilder builder, ContractSerdes serdes,
            KStream<String, FailoverCommandEnvelope> operators, KStream<String, InstanceEventEnvelope> instanceEvents) {
        for (Source<?> source : SOURCES) {
            if (source.topic().equals(Topics.FAILOVER_COMMANDS)) {
                relay(operators, cast(source), serdes);
            } else if (source.topic().equals(Topics.INSTANCE_EVENTS)) {
                relay(instanceEvents, cast(source), serdes);
            } else {
                relay(builder, source, serdes);
            }
        }
    }

    private static <T extends SpecificRecord> void relay(StreamsBuilder builder, Source<T> source,
            ContractSerdes serdes) {
        relay(DeadLetters.decode(builder, source.topic(), serdes, FailoverTopology.SERVICE), source, serdes);
    }

    private static <T extends SpecificRecord> void relay(KStream<String, T> records, Source<T> source,
            ContractSerdes serdes) {
        String name = source.topic().name().replace('.', '-');
        // the relay reads what its partition has taken (RELAYED_STORE), which also keeps it in the instance
        // stage's sub-topology: one task per partition, as before there were relays
        records.process(() -> new Relay<>(source, serdes.value(source.topic()).serializer()), Named.as(name + "-relay"),
                        RELAYED_STORE)
                .to(Topics.NODE_TELEMETRY.name(), Produced.with(Serdes.String(), serdes.value(Topics.NODE_TELEMETRY))
                        .withName(name + "-relay-to-telemetry"));
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> Source<T> cast(Source<?> source) {
        return (Source<T>) source;
    }

    /**
     * The telemetry's contract and the marks' rules ({@link HeardTime#VALIDATOR}), and for a relay:
     * written by this service, from a topic it relays, holding a record of that topic's contract.
     * Anything else claiming to be a relay is dead-lettered with the reason.
     */
    static DeadLetters.Validator<NodeTelemetryEnvelope> validator(ContractSerdes serdes) {
        Map<String, Deserializer<? extends SpecificRecord>> decoders = decoders(serdes);
        return new DeadLetters.Validator<>() {
            @Override
            public Optional<String> problem(String key, NodeTelemetryEnvelope value) {
                return problem(key, value, -1);
            }

            @Override
            public Optional<String> problem(String key, NodeTelemetryEnvelope value, int partition) {
                Optional<String> time = HeardTime.VALIDATOR.problem(key, value, partition);
                if (time.isPresent() || !(value.getPayload() instanceof InputRelayed relayed)) {
                    return time;
                }
                if (!FailoverTopology.SERVICE.equals(value.getMetadata().getProducer())) {
                    return Optional.of("an InputRelayed from '" + value.getMetadata().getProducer() + "': only "
                            + FailoverTopology.SERVICE + " writes them");
                }
                Deserializer<? extends SpecificRecord> decoder = decoders.get(relayed.getSourceTopic());
                if (decoder == null) {
                    return Optional.of("an InputRelayed from '" + relayed.getSourceTopic() + "', which "
                            + FailoverTopology.SERVICE + " does not relay (it relays " + decoders.keySet().stream().sorted()
                            .toList() + ")");
                }
                SpecificRecord record;
                try {
                    record = decoder.deserialize(relayed.getSourceTopic(), bytes(relayed.getValue()));
                } catch (RuntimeException e) {
                    return Optional.of("an InputRelayed whose value is not a record of " + relayed.getSourceTopic()
                            + ": " + e.getMessage());
                }
                return EnvelopeMeta.contractProblem(key, (org.apache.avro.generic.IndexedRecord) record)
                        .map(p -> "an InputRelayed of " + relayed.getSourceTopic() + " breaking its contract: " + p);
            }
        };
    }

    private static Map<String, Deserializer<? extends SpecificRecord>> decoders(ContractSerdes serdes) {
        return SOURCES.stream().collect(Collectors.toUnmodifiableMap(s -> s.topic().name(),
                s -> serdes.value(s.topic()).deserializer()));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Copies a source record that means a command to the stage into the telemetry, with where it was read. */
    static final class Relay<T extends SpecificRecord> implements Processor<String, T, String, NodeTelemetryEnvelope> {

        private final Source<T> source;
        private final Serializer<T> serializer;
        private ProcessorContext<String, NodeTelemetryEnvelope> context;
        private KeyValueStore<String, Long> relayed;

        Relay(Source<T> source, Serializer<T> serializer) {
            this.source = source;
            this.serializer = serializer;
        }

        @Override
        public void init(ProcessorContext<String, NodeTelemetryEnvelope> context) {
            this.context = context;
            this.relayed = context.getStateStore(RELAYED_STORE);
        }

        @Override
        public void process(Record<String, T> record) {
            if (source.commands().apply(record.value()).isEmpty()) {
                return; // nothing the stage decides on: not relayed
            }
            RecordMetadata where = context.recordMetadata().orElseThrow();
            String topic = source.topic().name();
            Long taken = relayed.get(topic + "/" + where.partition());
            if (taken != null && where.offset() <= taken) {
                return; // its copy was read back already (an in-place rebuild reads the source again)
            }
            EventMetadata of = (EventMetadata) record.value().get(record.value().getSchema().getField("metadata").pos());
            String seed = FailoverTopology.SERVICE + "/relay/" + topic + "/" + where.partition() + "/" + where.offset();
            EventMetadata metadata = EventMetadata.newBuilder()
                    .setEventId(UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString())
                    .setCorrelationId(of.getCorrelationId()).setCausationId(of.getEventId())
                    .setOccurredAt(of.getOccurredAt()).setProducer(FailoverTopology.SERVICE).build();
            InputRelayed relayed = new InputRelayed(topic, where.partition(), where.offset(),
                    ByteBuffer.wrap(serializer.serialize(topic, record.value())));
            context.forward(record.withValue(new NodeTelemetryEnvelope(metadata, relayed)));
        }
    }

    /**
     * The stage's commands from its telemetry partition: heartbeats, diagnostics and marks as they are,
     * a relay as the commands of the record it copies, once per source record.
     */
    static final class Reader implements Processor<String, NodeTelemetryEnvelope, String, Envelope<FailoverCommand>> {

        private final Map<String, Deserializer<? extends SpecificRecord>> decoders;
        private ProcessorContext<String, Envelope<FailoverCommand>> context;
        private KeyValueStore<String, Long> relayed;

        Reader(ContractSerdes serdes) {
            this.decoders = decoders(serdes);
        }

        @Override
        public void init(ProcessorContext<String, Envelope<FailoverCommand>> context) {
            this.context = context;
            this.relayed = context.getStateStore(RELAYED_STORE);
        }

        @Override
        public void process(Record<String, NodeTelemetryEnvelope> record) {
            List<Envelope<FailoverCommand>> commands = record.value().getPayload() instanceof InputRelayed copy
                    ? taken(copy)
                    : FailoverMapping.fromTelemetry(record.value());
            commands.forEach(c -> context.forward(record.withValue(c)));
        }

        /** The commands of a relayed record; none when this partition has already taken that record. */
        private List<Envelope<FailoverCommand>> taken(InputRelayed copy) {
            String from = copy.getSourceTopic() + "/" + copy.getSourcePartition();
            Long last = relayed.get(from);
            if (last != null && copy.getSourceOffset() <= last) {
                return List.of();
            }
            relayed.put(from, copy.getSourceOffset());
            return commands(BY_TOPIC.get(copy.getSourceTopic()), copy);
        }

        private <T extends SpecificRecord> List<Envelope<FailoverCommand>> commands(Source<T> source,
                InputRelayed copy) {
            @SuppressWarnings("unchecked")
            Deserializer<T> decoder = (Deserializer<T>) decoders.get(source.topic().name());
            return source.commands().apply(decoder.deserialize(copy.getSourceTopic(), bytes(copy.getValue())));
        }
    }
}
