package io.datastores.service.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A page of a listing whose items live on several instances, each holding some partitions. Every
 * instance offers its matching items to a {@link First} of the items through the end of the page
 * asked for (in one order every instance shares: the key's), counting all it saw; the instance
 * asked merges those prefixes ({@link #page}) and adds the counts. So a page is the same whichever
 * instance is asked and however the partitions are spread, and an instance keeps at most the items
 * through the page, not its whole share of the fleet.
 */
public final class Listing {

    private Listing() {
    }

    /** The first {@code limit} items offered, in {@code order}, and how many were offered. */
    public static final class First<T> {
        private final Comparator<T> order;
        private final int limit;
        /** The kept items, the last in order at the head (the one to drop when a smaller comes). */
        private final PriorityQueue<T> kept;
        private long offered;

        public First(Comparator<T> order, long limit) {
            this.order = order;
            this.limit = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, limit));
            this.kept = new PriorityQueue<>(Math.max(1, Math.min(this.limit, 1024)), order.reversed());
        }

        public void offer(T item) {
            offered++;
            if (limit == 0) {
                return;
            }
            if (kept.size() < limit) {
                kept.add(item);
            } else if (order.compare(item, kept.peek()) < 0) {
                kept.poll();
                kept.add(item);
            }
        }

        /** The kept items, in order. */
        public List<T> items() {
            List<T> items = new ArrayList<>(kept);
            items.sort(order);
            return items;
        }

        public long offered() {
            return offered;
        }
    }

    /**
     * Items {@code from} to {@code from + size} of the union of {@code prefixes}, each in
     * {@code order} and holding at least its items through that range.
     */
    public static <T> List<T> page(List<List<T>> prefixes, Comparator<T> order, long from, int size) {
        First<T> first = new First<>(order, from + size);
        prefixes.forEach(prefix -> prefix.forEach(first::offer));
        List<T> all = first.items();
        int start = (int) Math.min(from, all.size());
        return List.copyOf(all.subList(start, Math.min(all.size(), start + size)));
    }
}
