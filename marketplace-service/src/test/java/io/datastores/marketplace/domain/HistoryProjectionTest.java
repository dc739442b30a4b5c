package io.datastores.marketplace.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.datastores.kit.decider.EventMeta;

class HistoryProjectionTest {

    private final HistoryProjection projection = new HistoryProjection();

    private HistoryView fold(List<HistoryView.Entry> entries) {
        HistoryView v = projection.initial("i-1");
        for (HistoryView.Entry e : entries) {
            v = projection.apply(v, e, new EventMeta(e.eventId(), "c", null, e.at(), "p"));
        }
        return v;
    }

    @Test
    void theSameEventsInAnyOrderGiveTheSameHistory() {
        List<HistoryView.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            entries.add(new HistoryView.Entry("e" + i, Instant.parse("2026-11-22T10:00:00Z").plusSeconds(i / 3),
                    "T" + (i % 4), "p", ""));
        }
        HistoryView inOrder = fold(entries);
        List<HistoryView.Entry> shuffled = new ArrayList<>(entries);
        Collections.shuffle(shuffled, new java.util.Random(7));
        assertThat(fold(shuffled)).isEqualTo(inOrder);
        assertThat(inOrder.entries()).hasSize(HistoryView.KEPT);
        assertThat(inOrder.entries().get(0).at()).isEqualTo(Instant.parse("2026-11-22T10:00:26Z"));
        assertThat(fold(List.of(entries.get(0), entries.get(0))).entries()).as("seen once").hasSize(1);
    }
}
