package io.datastores.kit.streams;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.datastores.kit.decider.StateSplit;

/**
 * Where a decider's or a projection's states live for one task: its store, or, for a {@link StateSplit} state, two
 * stores (the cold part under the store's name, the hot part in {@link #hotStore(String)}), with the
 * task's most recently used states kept decoded in memory.
 *
 * <p>A write rewrites only the parts that changed: a heartbeat that moved a node's last-heard time
 * writes the hot part (tens of bytes) and leaves the rest, which an aggregate's rarer events
 * change, as it was. Reads of a state used recently cost no store read and no decoding. The memory
 * holds only what the stores hold (every write goes through here, this processor is the stores'
 * only writer), and is emptied whenever the task is (re)initialised or closed: after an aborted
 * transaction the stores are restored from their changelogs and so is this, from them.
 *
 * @param <S> the state
 */
final class StoredStates<S> {

    /** How many decoded states one task keeps in memory, by default (least recently used go first). */
    static final int RECENT = 4_096;

    private final String storeName;
    private final Split<S, ?> split;
    private final Map<String, Known<S>> recent;

    /** A state known decoded, with its cold part as stored when it is split (null otherwise). */
    private record Known<S>(S state, S cold) {
    }
    private KeyValueStore<String, S> store;

    /** A split state's parts and the store of its hot parts. */
    static final class Split<S, H> {
        private final StateSplit<S, H> split;
        private final String hotStore;
        private KeyValueStore<String, H> hot;

        Split(StateSplit<S, H> split, String hotStore) {
            this.split = split;
            this.hotStore = hotStore;
        }

        StateSplit<S, H> split() {
            return split;
        }

        void init(ProcessorContext<?, ?> context) {
            hot = context.getStateStore(hotStore);
        }

        S join(String key, S cold) {
            return split.join(cold, hot.get(key));
        }

        void putHot(String key, S before, S after) {
            H part = split.hot(after);
            if (before == null || !part.equals(split.hot(before))) {
                hot.put(key, part);
            }
        }
    }

    StoredStates(String storeName, Split<S, ?> split, int recentStates) {
        this.storeName = storeName;
        this.split = split;
        this.recent = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Known<S>> eldest) {
                return size() > recentStates;
            }
        };
    }

    /** The store of a split state's hot parts. */
    static String hotStore(String storeName) {
        return storeName + "-hot";
    }

    void init(ProcessorContext<?, ?> context) {
        recent.clear();
        store = context.getStateStore(storeName);
        if (split != null) {
            split.init(context);
        }
    }

    void close() {
        recent.clear();
    }

    /** The state of {@code key}, or null when none is stored. */
    S get(String key) {
        Known<S> known = recent.get(key);
        if (known != null) {
            return known.state();
        }
        S stored = store.get(key);
        if (stored == null) {
            return null;
        }
        S state = split == null ? stored : split.join(key, stored);
        recent.put(key, new Known<>(state, split == null ? null : stored));
        return state;
    }

    /** Stores {@code after}, the state of {@code key} that was {@code before} (null: none). */
    void put(String key, S before, S after) {
        if (split == null) {
            recent.put(key, new Known<>(after, null));
            store.put(key, after);
            return;
        }
        Known<S> known = recent.get(key);
        S coldBefore = before == null ? null
                : known != null && known.state() == before ? known.cold() : split.split().cold(before);
        S cold = split.split().cold(after);
        if (coldBefore == null || !cold.equals(coldBefore)) {
            store.put(key, cold);
        } else {
            cold = coldBefore; // the same, kept once
        }
        recent.put(key, new Known<>(after, cold));
        split.putHot(key, before, after);
    }

    /** Every stored state, in key order. */
    void forEach(BiConsumer<String, S> action) {
        try (KeyValueIterator<String, S> all = store.all()) {
            all.forEachRemaining(kv -> action.accept(kv.key,
                    split == null ? kv.value : split.join(kv.key, kv.value)));
        }
    }
}
