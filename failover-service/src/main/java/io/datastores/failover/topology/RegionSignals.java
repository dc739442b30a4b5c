package io.datastores.failover.topology;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.datastores.failover.domain.FailoverEvent;
import io.datastores.failover.domain.RegionCommand;
import io.datastores.failover.mapping.FailoverEvents;
import io.datastores.kit.decider.Envelope;

/**
 * In the instance stage: what the regions' guards must hear of its decisions, keyed by region, and
 * this partition's progress ({@link RegionCommand.Progress}, its decided time less the allowed
 * lateness), which {@link #PARTITIONER} sends to every partition of the region stage.
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
    private ProcessorContext<String, Envelope<RegionCommand>> context;

    RegionSignals(Duration lateness) {
        this.lateness = lateness;
    }

    @Override
    public void init(ProcessorContext<String, Envelope<RegionCommand>> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Envelope<FailoverEvent>> record) {
        if (record.value().body() instanceof FailoverEvent.TimeDecided t) {
            RegionCommand progress = new RegionCommand.Progress(context.taskId().partition(), t.upTo().minus(lateness));
            context.forward(record.withKey(PROGRESS_KEY).withValue(new Envelope<>(record.value().meta(), progress)));
            return;
        }
        FailoverEvents.toRegion(record.key(), record.value())
                .forEach(kv -> context.forward(record.withKey(kv.key).withValue(kv.value)));
    }
}
