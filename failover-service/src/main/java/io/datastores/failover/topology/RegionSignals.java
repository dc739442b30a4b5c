package io.datastores.failover.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.datastores.failover.domain.FailoverEvent;
import io.datastores.failover.domain.RegionCommand;
import io.datastores.failover.mapping.FailoverEvents;
import io.datastores.kit.decider.Envelope;

/**
 * In the instance stage: what the regions' guards must hear of its decisions, keyed by region, and
 * this partition's progress ({@link RegionCommand.Progress}, its decided time less the allowed
 * lateness), which {@link #PARTITIONER} sends to every partition of the region stage.
 *
 * <p>A signal no later than the progress this partition has already sent (a recovery decided on a
 * heartbeat written late, a count from an instance event stamped long before) would reach the
 * region stage after its clock may have passed it, and which of the clock's steps took it would
 * depend on how the other partitions' progress interleaved: live and in a rebuild, differently. So
 * it counts just after this partition's progress instead; the progress sent is kept in a store
 * ({@code progressStore}), so that a restarted task knows it as a rebuild does.
 */
final class RegionSignals implements Processor<String, Envelope<FailoverEvent>, String, Envelope<RegionCommand>> {

    static final String PROGRESS_KEY = "~progress";

    /** Progress to every partition; every other signal by its region, as Kafka's default does. */
    static final StreamPartitioner<String, Envelope<RegionCommand>> PARTITIONER = new StreamPartitioner<>() {
        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, Envelope<RegionCommand> value,
                int numPartitions) {
            return value != null && value.body() instanceof RegionCommand.Progress
                    ? Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()))
                    : Optional.empty();
        }
    };

    private final Duration lateness;
    private final String progressStore;
    private ProcessorContext<String, Envelope<RegionCommand>> context;
    private KeyValueStore<String, Long> sent;
    private String partition;

    RegionSignals(Duration lateness, String progressStore) {
        this.lateness = lateness;
        this.progressStore = progressStore;
    }

    @Override
    public void init(ProcessorContext<String, Envelope<RegionCommand>> context) {
        this.context = context;
        this.sent = context.getStateStore(progressStore);
        this.partition = String.valueOf(context.taskId().partition());
    }

    @Override
    public void process(Record<String, Envelope<FailoverEvent>> record) {
        if (record.value().body() instanceof FailoverEvent.TimeDecided t) {
            Instant upTo = t.upTo().minus(lateness);
            RegionCommand progress = new RegionCommand.Progress(context.taskId().partition(), upTo);
            context.forward(record.withKey(PROGRESS_KEY).withValue(new Envelope<>(record.value().meta(), progress)));
            Long before = sent.get(partition);
            if (before == null || upTo.toEpochMilli() > before) {
                sent.put(partition, upTo.toEpochMilli());
            }
            return;
        }
        Long progressed = sent.get(partition);
        FailoverEvents.toRegion(record.key(), record.value())
                .forEach(kv -> context.forward(record.withKey(kv.key).withValue(inTime(kv.value, progressed))));
    }

    /** The signal, or (late for this partition's progress already sent) the same just after it. */
    static Envelope<RegionCommand> inTime(Envelope<RegionCommand> signal, Long progressedMillis) {
        if (progressedMillis != null && signal.body() instanceof RegionCommand.Signal s
                && s.at().toEpochMilli() <= progressedMillis) {
            return new Envelope<>(signal.meta(), s.movedTo(Instant.ofEpochMilli(progressedMillis + 1)));
        }
        return signal;
    }
}
