package io.datastores.failover.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import io.datastores.kit.streams.SeenEvents;

/**
 * In the region stage: the event-time clock of the guards, and the room where their signals wait
 * for it. It hears every instance partition's {@link RegionCommand.Progress}; once all have spoken,
 * the slowest one's time is the time up to which every signal has arrived. Each signal waits until
 * then as one record of the {@code queueStore} (keyed by region, event time and id, so a region-wide
 * outage costs one small write per signal, not a rewrite of the region's state). Each time the clock
 * moves, every region of this partition is told ({@link RegionCommand.Advance}), with the signals
 * that waited for it. The clock is kept in memory: after a restart it is known again at the
 * partitions' next progress (within the timer interval); the waiting signals are in the store.
 */
final class RegionClock implements Processor<String, Envelope<RegionCommand>, String, Envelope<RegionCommand>> {

    private final int sources;
    private final String storeName;
    private final String queueStore;
    private final String producer;
    private final Map<Integer, Instant> progress = new HashMap<>();
    private Instant advanced;
    private ProcessorContext<String, Envelope<RegionCommand>> context;
    private KeyValueStore<String, RegionState> regions;
    private KeyValueStore<String, Envelope<RegionCommand>> queue;
    private SeenEvents seen;

    RegionClock(int sources, String storeName, String queueStore, String producer) {
        this.sources = sources;
        this.storeName = storeName;
        this.queueStore = queueStore;
        this.producer = producer;
    }

    /** The store of the signals' ids already taken, next to {@code queueStore}. */
    static String seenStore(String queueStore) {
        return queueStore + "-seen";
    }

    @Override
    public void init(ProcessorContext<String, Envelope<RegionCommand>> context) {
        this.context = context;
        this.regions = context.getStateStore(storeName);
        this.queue = context.getStateStore(queueStore);
        this.seen = new SeenEvents(context.getStateStore(seenStore(queueStore)));
    }

    @Override
    public void process(Record<String, Envelope<RegionCommand>> record) {
        RegionCommand body = record.value().body();
        if (body instanceof RegionCommand.Signal signal) {
            wait(record, signal);
        } else if (body instanceof RegionCommand.Progress p) {
            progress(p);
        } else {
            context.forward(record);
        }
    }

    /** A signal waits for the clock; one re-delivered (same event, same kind) is taken once. */
    private void wait(Record<String, Envelope<RegionCommand>> record, RegionCommand.Signal signal) {
        if (seen.firstTime(record.key(), record.value().meta().eventId(), signal.getClass(), record.timestamp())) {
            queue.put(queueKey(record.key(), signal), record.value());
        }
    }

    /** Region, then event time, then id: the store's order is the order the guard decides in. */
    static String queueKey(String region, RegionCommand.Signal signal) {
        return region + '\u0000' + String.format("%019d", Math.max(0, signal.at().toEpochMilli())) + '\u0000'
                + signal.id();
    }

    private static String region(String queueKey) {
        return queueKey.substring(0, queueKey.indexOf('\u0000'));
    }

    private void progress(RegionCommand.Progress p) {
        progress.merge(p.partition(), p.upTo(), (a, b) -> a.isAfter(b) ? a : b);
        if (progress.size() < sources) {
            return; // until every instance partition has spoken, nothing is known complete
        }
        Instant upTo = progress.values().stream().min(Instant::compareTo).orElseThrow();
        if (advanced != null && !upTo.isAfter(advanced)) {
            return;
        }
        advanced = upTo;
        Map<String, List<RegionCommand.Signal>> due = new TreeMap<>();
        List<String> released = new ArrayList<>();
        try (KeyValueIterator<String, Envelope<RegionCommand>> waiting = queue.all()) {
            waiting.forEachRemaining(kv -> {
                RegionCommand.Signal signal = (RegionCommand.Signal) kv.value.body();
                if (!signal.at().isAfter(upTo)) {
                    due.computeIfAbsent(region(kv.key), r -> new ArrayList<>()).add(signal);
                    released.add(kv.key);
                }
            });
        }
        try (KeyValueIterator<String, RegionState> all = regions.all()) {
            all.forEachRemaining(kv -> due.putIfAbsent(kv.key, List.of()));
        }
        String seed = producer + "/advance/" + upTo;
        EventMeta meta = new EventMeta(UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString(),
                null, null, upTo, producer);
        due.forEach((region, signals) -> context.forward(
                new Record<>(region, new Envelope<>(meta, new RegionCommand.Advance(upTo, signals)), upTo.toEpochMilli())));
        released.forEach(queue::delete);
    }
}
