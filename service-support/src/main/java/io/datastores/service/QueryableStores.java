package io.datastores.service;

import java.util.Optional;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.datastores.service.routing.KeyOwnerRouting;
import io.micronaut.configuration.kafka.streams.InteractiveQueryService;
import io.micronaut.context.BeanProvider;
import io.micronaut.http.context.ServerRequestContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;

/**
 * Reads a service's state stores for its HTTP API: a value by key answers 200, a missing key 404
 * with what was missing, and a store that is (re)building 503. A read {@code KeyOwnerRouting} sends
 * to a standby replica (its holder is gone) reads the standby copies here as well.
 */
@Singleton
public class QueryableStores {

    private final InteractiveQueryService queries;
    private final BeanProvider<KafkaStreams> streams;

    public QueryableStores(InteractiveQueryService queries, BeanProvider<KafkaStreams> streams) {
        this.queries = queries;
        this.streams = streams;
    }

    /**
     * The store, or empty while it is not queryable (starting, rebalancing, restoring). For a keyed
     * request {@code KeyOwnerRouting} answers here, only the key's partition: a partition still being
     * restored here then refuses the read (503), where the whole store would answer 404.
     */
    public <V> Optional<ReadOnlyKeyValueStore<String, V>> store(String name) {
        Optional<HttpRequest<Object>> request = ServerRequestContext.currentRequest();
        boolean standby = request.flatMap(r -> r.getAttribute(KeyOwnerRouting.STANDBY_READ)).isPresent();
        Optional<Integer> partition = request.flatMap(r -> r.getAttribute(KeyOwnerRouting.PARTITION, Integer.class));
        try {
            return standby || partition.isPresent() ? local(name, partition, standby)
                    : queries.getQueryableStore(name, QueryableStoreTypes.<String, V>keyValueStore());
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    /**
     * Every local copy of the store, active or standby (a standby may trail its active by a commit):
     * for a read that joins a second store whose partition another instance may hold, where a standby
     * replica here has it.
     */
    public <V> Optional<ReadOnlyKeyValueStore<String, V>> anyCopy(String name) {
        try {
            return local(name, Optional.empty(), true);
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code key}'s value in the store here, active or, failing that, in a standby copy: for a read
     * joining a second store, whose partition of the key another instance may hold.
     */
    public <V> Optional<V> fromAnyCopy(String name, String key) {
        try {
            Optional<V> active = this.<V>store(name).map(s -> s.get(key));
            if (active.isPresent()) {
                return active;
            }
        } catch (InvalidStateStoreException notHere) {
            // the partition is another instance's: a standby copy here may have it
        }
        return this.<V>anyCopy(name).flatMap(s -> {
            try {
                return Optional.ofNullable(s.get(key));
            } catch (InvalidStateStoreException e) {
                return Optional.empty();
            }
        });
    }

    private <V> Optional<ReadOnlyKeyValueStore<String, V>> local(String name, Optional<Integer> partition,
            boolean standby) {
        for (KafkaStreams s : streams) {
            try {
                StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> query = StoreQueryParameters.fromNameAndType(
                        name, QueryableStoreTypes.<String, V>keyValueStore());
                if (partition.isPresent()) {
                    query = query.withPartition(partition.get());
                }
                return Optional.of(s.store(standby ? query.enableStaleStores() : query));
            } catch (InvalidStateStoreException e) {
                // not this topology's store, or not queryable yet
            }
        }
        return Optional.empty();
    }

    /** 200 with the value of {@code key}, 404 naming {@code what}, or 503. */
    public HttpResponse<?> lookup(String storeName, String key, String what) {
        Optional<ReadOnlyKeyValueStore<String, Object>> store = store(storeName);
        if (store.isEmpty()) {
            return unavailable(storeName);
        }
        Object value = store.get().get(key);
        return value == null ? HttpResponse.notFound(new Problem("no " + what + " for " + key)) : HttpResponse.ok(value);
    }

    public static HttpResponse<Problem> unavailable(String storeName) {
        return HttpResponse.<Problem>status(HttpStatus.SERVICE_UNAVAILABLE)
                .body(new Problem(storeName + " is rebuilding; retry shortly"));
    }
}
