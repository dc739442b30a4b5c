package io.datastores.service;

import java.util.Optional;

import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.micronaut.configuration.kafka.streams.InteractiveQueryService;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;

/**
 * Reads a service's state stores for its HTTP API: a value by key answers 200, a missing key 404
 * with what was missing, and a store that is (re)building 503.
 */
@Singleton
public class QueryableStores {

    private final InteractiveQueryService queries;

    public QueryableStores(InteractiveQueryService queries) {
        this.queries = queries;
    }

    /** The store, or empty while it is not queryable (starting, rebalancing, restoring). */
    public <V> Optional<ReadOnlyKeyValueStore<String, V>> store(String name) {
        try {
            return queries.getQueryableStore(name, QueryableStoreTypes.<String, V>keyValueStore());
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
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
