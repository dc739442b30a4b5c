package io.datastores.marketplace.domain;

import java.util.ArrayList;
import java.util.List;

import io.datastores.kit.decider.EventMeta;
import io.datastores.kit.decider.Projection;

/** Keeps the last {@value HistoryView#KEPT} events of each instance; an event seen before changes nothing. */
public final class HistoryProjection implements Projection<HistoryView.Entry, HistoryView> {

    @Override
    public HistoryView initial(String key) {
        return new HistoryView(key, List.of());
    }

    @Override
    public HistoryView apply(HistoryView v, HistoryView.Entry e, EventMeta meta) {
        if (v.entries().stream().anyMatch(x -> x.eventId().equals(e.eventId()))) {
            return v;
        }
        List<HistoryView.Entry> entries = new ArrayList<>();
        entries.add(e);
        entries.addAll(v.entries());
        return new HistoryView(v.instanceId(), List.copyOf(entries.subList(0, Math.min(HistoryView.KEPT,
                entries.size()))));
    }
}
