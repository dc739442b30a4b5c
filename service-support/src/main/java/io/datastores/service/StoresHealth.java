package io.datastores.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.errors.InvalidStateStoreException;

import io.datastores.service.routing.KeyOwners;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;

/**
 * The {@code stores} part of {@code /health}: UP once every store the service serves
 * ({@code dcp.admin.stores}) answers reads, DOWN naming those still starting, restoring or moving.
 * Kafka Streams hands out stores whose reads still fail while it rebalances or its state updater
 * restores tasks, so a service is healthy only when its HTTP reads would answer, not 503: while
 * rebalancing, DOWN; once running, every store with partitions on this instance must answer.
 */
@Singleton
@Requires(property = "dcp.admin.stores")
public class StoresHealth extends AbstractHealthIndicator<Map<String, Object>> {

    private final QueryableStores stores;
    private final KeyOwners owners;
    private final List<String> names;

    public StoresHealth(QueryableStores stores, KeyOwners owners, @Value("${dcp.admin.stores}") List<String> names) {
        this.stores = stores;
        this.owners = owners;
        this.names = names;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        boolean rebalancing = owners.rebalancing();
        // a store none of whose partitions is here (other instances hold them all) has nothing to answer
        List<String> unavailable = rebalancing ? names : names.stream()
                .filter(name -> owners.holdsPartitionsOf(name) && !answers(name)).toList();
        healthStatus = unavailable.isEmpty() ? HealthStatus.UP : HealthStatus.DOWN;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("stores", names);
        if (!unavailable.isEmpty()) {
            details.put("notAnswering", unavailable);
        }
        return details;
    }

    /** Whether a read of the store answers now (a store handed out can still refuse its reads). */
    private boolean answers(String name) {
        try {
            return stores.store(name).map(store -> store.approximateNumEntries() >= 0).orElse(false);
        } catch (InvalidStateStoreException e) {
            return false;
        }
    }

    @Override
    protected String getName() {
        return "stores";
    }
}
