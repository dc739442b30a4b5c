package io.datastores.failover.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.datastores.failover.domain.RegionCommand;
import io.datastores.failover.domain.RegionState;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.decider.EventMeta;

/**
 * In the region stage: the event-time clock of the guards. It hears every instance partition's
 * {@link RegionCommand.Progress}; once all have spoken, the slowest one's time is the time up to
 * which every signal has arrived, and each time it moves, every region of this partition is told
 * ({@link RegionCommand.Advance}). Everything else passes through. The clock is kept in memory: after
 * a restart it is known again at the partitions' next progress (within the timer interval).
 */
final class RegionClock implements Processor<String, Envelope<RegionCommand>, String, Envelope<RegionCommand>> {

    private final int sources;
    private final String storeName;
    private final String producer;
    private final Map<Integer, Instant> progress = new HashMap<>();
    private Instant advanced;
    private ProcessorContext<String, Envelope<RegionCommand>> context;
    private KeyValueStore<String, RegionState> regions;

    RegionClock(int sources, String storeName, String producer) {
        this.sources = sources;
        this.storeName = storeName;
        this.producer = producer;
    }

    @Override
    public void init(ProcessorContext<String, Envelope<RegionCommand>> context) {
        this.context = context;
        this.regions = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, Envelope<RegionCommand>> record) {
        if (!(record.value().body() instanceof RegionCommand.Progress p)) {
            context.forward(record);
            return;
        }
        progress.merge(p.partition(), p.upTo(), (a, b) -> a.isAfter(b) ? a : b);
        if (progress.size() < sources) {
            return; // until every instance partition has spoken, nothing is known complete
        }
        Instant upTo = progress.values().stream().min(Instant::compareTo).orElseThrow();
        if (advanced != null && !upTo.isAfter(advanced)) {
            return;
        }
        advanced = upTo;
        String seed = producer + "/advance/" + upTo;
        EventMeta meta = new EventMeta(UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString(),
                null, null, upTo, producer);
        Envelope<RegionCommand> advance = new Envelope<>(meta, new RegionCommand.Advance(upTo));
        try (KeyValueIterator<String, RegionState> all = regions.all()) {
            all.forEachRemaining(kv -> context.forward(new Record<>(kv.key, advance, upTo.toEpochMilli())));
        }
    }
}
