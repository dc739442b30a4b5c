package io.datastores.kit.streams;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The aggregates of one task by the moment time next owes them a decision, so a timer run reads only
 * the aggregates due instead of every one in the store. In memory and derived from the store: built
 * by one pass over it, then kept up to date by every write of the shell.
 */
final class DueIndex {

    private record Entry(long at, String key) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : key.compareTo(o.key);
        }
    }

    private final TreeSet<Entry> byTime = new TreeSet<>();
    private final Map<String, Long> byKey = new HashMap<>();

    /** {@code key} is next due at {@code at} (epoch millis), or never when null. */
    void set(String key, Long at) {
        Long before = at == null ? byKey.remove(key) : byKey.put(key, at);
        if (before != null) {
            if (before.equals(at)) {
                return;
            }
            byTime.remove(new Entry(before, key));
        }
        if (at != null) {
            byTime.add(new Entry(at, key));
        }
    }

    /**
     * {@code key} is next due at {@code at} or later: moves its moment only earlier (or notes it
     * when it had none). A moment left earlier than the key's is harmless: when it comes, the timer
     * finds nothing due and the shell sets the key's moment right with {@link #set}.
     */
    void setEarlier(String key, Long at) {
        if (at == null) {
            return;
        }
        Long before = byKey.get(key);
        if (before == null || at < before) {
            set(key, at);
        }
    }

    /**
     * Whether time may owe {@code key} a decision at {@code now}: its noted moment has come. Never
     * false for a key that is due (a noted moment is never later than the key's), so a caller may
     * skip asking the timer when it is.
     */
    boolean mayBeDue(String key, long now) {
        Long at = byKey.get(key);
        return at != null && at <= now;
    }

    /** The keys due at or before {@code now}, earliest first. */
    List<String> dueBy(long now) {
        List<String> keys = new ArrayList<>();
        for (Entry e : byTime) {
            if (e.at > now) {
                break;
            }
            keys.add(e.key);
        }
        return keys;
    }

    int size() {
        return byKey.size();
    }
}
