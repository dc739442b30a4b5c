package io.datastores.marketplace.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.datastores.kit.streams.ViewChange;
import io.datastores.marketplace.domain.FleetSummary;
import io.datastores.marketplace.domain.InstanceView;

/**
 * Keeps {@value FleetViewTopology#SUMMARY_STORE}: per organization, the {@link FleetSummary} of this
 * partition's instances, changed with each view change ({@link FleetSummary#change} holds the rule).
 * The store is keyed by organization within the task, so no repartition is needed; the API adds up
 * the partitions' summaries.
 */
final class FleetSummaryProcessor implements Processor<String, ViewChange<InstanceView>, Void, Void> {

    private KeyValueStore<String, FleetSummary> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(FleetViewTopology.SUMMARY_STORE);
    }

    @Override
    public void process(Record<String, ViewChange<InstanceView>> record) {
        if (FleetSummary.sameShare(record.value().before(), record.value().after())) {
            return;
        }
        InstanceView any = record.value().after() != null ? record.value().after() : record.value().before();
        String organization = any.offering().organizationId();
        FleetSummary before = store.get(organization);
        FleetSummary after = (before == null ? FleetSummary.empty(organization) : before)
                .change(record.value().before(), record.value().after());
        if (after.isEmpty()) {
            store.delete(organization);
        } else {
            store.put(organization, after);
        }
    }
}
