package io.datastores.kit.streams;

import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The input events a processor has already taken, remembered for {@link #RETENTION} in a window store
 * of their own: a re-delivered or replayed event is recognised and changes nothing.
 */
public final class SeenEvents {

    /** How long an input event id is remembered: a re-delivery within it changes nothing. */
    public static final Duration RETENTION = Duration.ofDays(7);

    private final WindowStore<String, Long> store;

    public SeenEvents(WindowStore<String, Long> store) {
        this.store = store;
    }

    /** The store to connect to the processor that remembers. */
    public static StoreBuilder<WindowStore<String, Long>> store(String name) {
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(name, RETENTION, RETENTION, false),
                Serdes.String(), Serdes.Long());
    }

    /**
     * Whether the input event {@code eventId}, taken as a {@code kind} of command for {@code key}, is new
     * at {@code ts}; remembers it. One event may become several commands (of different kinds, or for
     * different keys), and each is taken once.
     */
    public boolean firstTime(String key, String eventId, Class<?> kind, long ts) {
        return firstTime(key + "|" + eventId + "|" + kind.getSimpleName(), ts);
    }

    private boolean firstTime(String key, long ts) {
        long retention = RETENTION.toMillis();
        try (WindowStoreIterator<Long> it = store.fetch(key, Math.max(0, ts - retention), ts + retention)) {
            if (it.hasNext()) {
                return false;
            }
        }
        store.put(key, ts, ts);
        return true;
    }
}
