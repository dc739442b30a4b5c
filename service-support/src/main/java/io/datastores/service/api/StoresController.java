package io.datastores.service.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.datastores.kit.json.JsonSerde;
import io.datastores.service.Problem;
import io.datastores.service.QueryableStores;
import io.datastores.service.auth.AuthFilter;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/**
 * The service's state, for operators comparing two runs (a live service and its rebuilt shadow):
 * {@code GET /admin/stores} gives each store's entry count and a SHA-256 over its entries sorted by
 * key (each as {@code key TAB json}); {@code GET /admin/stores/{name}?from=&limit=} gives the entries.
 * The stores are those the service names in {@code dcp.admin.stores}.
 */
@Controller("/admin/stores")
@TokenProtected
public class StoresController {

    private final QueryableStores stores;
    private final List<String> names;

    public StoresController(QueryableStores stores, @Value("${dcp.admin.stores:}") List<String> names) {
        this.stores = stores;
        this.names = names;
    }

    @Serdeable
    public record StoreDigest(String store, long entries, String sha256) {
    }

    @Serdeable
    public record Entry(String key, String json) {
    }

    @Get
    @ApiResponse(responseCode = "200", description = "each store's entry count and SHA-256",
            content = @Content(mediaType = TokenProtected.JSON,
                    array = @ArraySchema(schema = @Schema(implementation = StoreDigest.class))))
    public HttpResponse<?> digests(HttpRequest<?> request) throws Exception {
        if (!AuthFilter.caller(request).operator()) {
            return HttpResponse.status(HttpStatus.FORBIDDEN).body(new Problem("operators only"));
        }
        List<StoreDigest> out = new ArrayList<>();
        for (String name : names) {
            Optional<Map<String, String>> entries = entries(name);
            if (entries.isEmpty()) {
                return QueryableStores.unavailable(name);
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            entries.get().forEach((k, v) -> sha.update((k + "\t" + v + "\n").getBytes(StandardCharsets.UTF_8)));
            out.add(new StoreDigest(name, entries.get().size(), HexFormat.of().formatHex(sha.digest())));
        }
        return HttpResponse.ok(out);
    }

    @Get("/{name}")
    @ApiResponse(responseCode = "200", description = "the store's entries from a key on, sorted by key",
            content = @Content(mediaType = TokenProtected.JSON,
                    array = @ArraySchema(schema = @Schema(implementation = Entry.class))))
    @ApiResponse(responseCode = "404", description = "the service has no such store",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> entries(@PathVariable String name, @Nullable @QueryValue String from,
            @QueryValue(defaultValue = "1000") int limit, HttpRequest<?> request) throws Exception {
        if (!AuthFilter.caller(request).operator()) {
            return HttpResponse.status(HttpStatus.FORBIDDEN).body(new Problem("operators only"));
        }
        if (!names.contains(name)) {
            return HttpResponse.notFound(new Problem("no store " + name + "; stores: " + names));
        }
        Optional<Map<String, String>> entries = entries(name);
        if (entries.isEmpty()) {
            return QueryableStores.unavailable(name);
        }
        List<Entry> page = entries.get().entrySet().stream().filter(e -> from == null || e.getKey().compareTo(from) >= 0)
                .limit(Math.max(1, Math.min(limit, 10_000))).map(e -> new Entry(e.getKey(), e.getValue())).toList();
        return HttpResponse.ok(page);
    }

    /** Every entry of a store, sorted by key, each value as canonical JSON. */
    private Optional<Map<String, String>> entries(String name) throws JsonProcessingException {
        Optional<ReadOnlyKeyValueStore<String, Object>> store = stores.store(name);
        if (store.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> sorted = new TreeMap<>();
        try (KeyValueIterator<String, Object> all = store.get().all()) {
            while (all.hasNext()) {
                KeyValue<String, Object> kv = all.next();
                sorted.put(kv.key, JsonSerde.MAPPER.writeValueAsString(kv.value));
            }
        }
        return Optional.of(new LinkedHashMap<>(sorted));
    }
}
