package io.datastores.failover.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.datastores.failover.domain.FailoverEvent;
import io.datastores.failover.domain.RegionCommand;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.decider.EventMeta;

/** What the instance stage tells the regions' guards, and when a signal counts. */
class RegionSignalsTest {

    static final Instant T = Instant.parse("2026-12-05T10:00:00Z");

    private final KeyValueStore<String, Long> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(FailoverTopology.REGION_PROGRESS_STORE), Serdes.String(), Serdes.Long())
            .withLoggingDisabled().build();

    /** A processor on a context that keeps what it forwards, over the same store (a restart keeps it). */
    private MockProcessorContext<String, Envelope<RegionCommand>> started() {
        MockProcessorContext<String, Envelope<RegionCommand>> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        RegionSignals signals = new RegionSignals(Duration.ofMillis(500), FailoverTopology.REGION_PROGRESS_STORE);
        signals.init(context);
        processor = signals;
        return context;
    }

    private RegionSignals processor;

    private void send(String key, FailoverEvent event, Instant at) {
        processor.process(new Record<>(key, new Envelope<>(new EventMeta("ev-" + at.toEpochMilli() + key, "c", null, at,
                "failover-service"), event), at.toEpochMilli()));
    }

    private static List<RegionCommand> forwarded(MockProcessorContext<String, Envelope<RegionCommand>> context) {
        return context.forwarded().stream().map(f -> f.record().value().body()).toList();
    }

    @Test
    @DisplayName("a signal in time keeps its time; one no later than the progress already sent counts just after it, after a restart too")
    void aLateSignalCountsAtItsPartitionsTime() {
        var context = started();
        send("i-1", new FailoverEvent.Recovered("n-1", "AWS:eu-west-1"), T.plusSeconds(3));
        send("~tick", new FailoverEvent.TimeDecided(T.plusSeconds(10)), T.plusSeconds(10));
        send("i-1", new FailoverEvent.Recovered("n-2", "AWS:eu-west-1"), T.plusSeconds(4)); // heard late

        assertThat(forwarded(context)).containsExactly(
                new RegionCommand.Recover("i-1", "n-1", T.plusSeconds(3), "ev-" + T.plusSeconds(3).toEpochMilli() + "i-1"),
                new RegionCommand.Progress(0, T.plusMillis(9_500)),
                new RegionCommand.Recover("i-1", "n-2", T.plusMillis(9_501),
                        "ev-" + T.plusSeconds(4).toEpochMilli() + "i-1"));

        var restarted = started();
        send("i-1", new FailoverEvent.Suspected("n-3", "AWS:eu-west-1", T, 3_000), T.plusSeconds(5));
        assertThat(forwarded(restarted)).singleElement().extracting(c -> ((RegionCommand.Signal) c).at())
                .isEqualTo(T.plusMillis(9_501));
    }
}
