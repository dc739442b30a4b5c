package io.datastores.marketplace.topology;

import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

import io.datastores.kit.json.StateSerde;
import io.datastores.marketplace.domain.HistoryProjection;
import io.datastores.marketplace.domain.HistoryView;
import io.datastores.marketplace.mapping.HistoryMapping;

/**
 * Each instance's recent history across services (provisioning, failover, backup, marketplace
 * events; not heartbeats), for the dashboard: one {@link HistoryView} per instance ({@value #STORE}).
 */
public final class HistoryTopology {

    public static final String STORE = "instance-history";

    private HistoryTopology() {
    }

    @SafeVarargs
    public static void build(StreamsBuilder builder, KStream<String, ? extends IndexedRecord>... sources) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), new StateSerde<>(HistoryView.class)));
        KStream<String, io.datastores.kit.decider.Envelope<HistoryView.Entry>> entries = null;
        int i = 0;
        for (KStream<String, ? extends IndexedRecord> source : sources) {
            var mapped = source.flatMapValues(e -> HistoryMapping.entry(e), Named.as("history-entries-" + i));
            entries = entries == null ? mapped : entries.merge(mapped, Named.as("history-merge-" + i));
            i++;
        }
        entries.process(io.datastores.kit.streams.ProjectionProcessor.supplier(new HistoryProjection(), STORE),
                Named.as("history-project"), STORE);
    }
}
