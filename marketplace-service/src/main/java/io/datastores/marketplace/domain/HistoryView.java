package io.datastores.marketplace.domain;

import java.time.Instant;
import java.util.List;

/** The last events of one instance, newest first, from every service: what the dashboard's detail shows. */
public record HistoryView(String instanceId, List<Entry> entries) {

    /** How many events are kept per instance. */
    public static final int KEPT = 50;

    /** One event: when, which event, who wrote it, and its fields in short. */
    public record Entry(String eventId, Instant at, String type, String producer, String summary) {
    }
}
