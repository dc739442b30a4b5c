package io.datastores.marketplace.domain;

import java.util.ArrayList;
import java.util.List;

import io.datastores.kit.decider.EventMeta;
import io.datastores.kit.decider.Projection;

/**
 * Keeps the {@value HistoryView#KEPT} newest events (by event time) of each instance; an event seen before
 * changes nothing.
 */
public final class HistoryProjection implements Projection<HistoryView.Entry, HistoryView> {

    static final java.util.Comparator<HistoryView.Entry> NEWEST_FIRST = java.util.Comparator
            .comparing(HistoryView.Entry::at, java.util.Comparator.nullsLast(java.util.Comparator.reverseOrder()))
            .thenComparing(HistoryView.Entry::eventId, java.util.Comparator.reverseOrder());

    @Override
    public HistoryView initial(String key) {
        return new HistoryView(key, List.of());
    }

    @Override
    public HistoryView apply(HistoryView v, HistoryView.Entry e, EventMeta meta) {
        if (v.entries().stream().anyMatch(x -> x.eventId().equals(e.eventId()))) {
            return v;
        }
        List<HistoryView.Entry> entries = new ArrayList<>(v.entries());
        entries.add(e);
        // newest first by event time, then by id: the same events give the same history, whatever order
        // the topics were read in (a rebuild interleaves them differently from the live run)
        entries.sort(NEWEST_FIRST);
        return new HistoryView(v.instanceId(), List.copyOf(entries.subList(0, Math.min(HistoryView.KEPT,
                entries.size()))));
    }
}
