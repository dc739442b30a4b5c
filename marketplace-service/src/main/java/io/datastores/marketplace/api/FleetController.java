package io.datastores.marketplace.api;

import io.datastores.kit.auth.Caller;
import io.datastores.service.auth.AuthFilter;
import io.micronaut.http.HttpRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.datastores.marketplace.domain.InstanceView;
import io.datastores.marketplace.topology.FleetViewTopology;
import io.datastores.service.Problem;
import io.datastores.service.QueryableStores;
import io.datastores.service.routing.KeyedRead;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.SerdeImport;
import io.datastores.service.api.TokenProtected;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/**
 * The fleet view over HTTP: {@code GET /instances/{id}} and {@code GET /instances} (paged, filtered
 * by organization, engine and status; a caller sees its own organization, an operator any). Answers 503 while the store is (re)building.
 */
@Controller("/instances")
@SerdeImport(InstanceView.class)
@SerdeImport(InstanceView.NodeView.class)
@SerdeImport(InstanceView.CommandPolicyView.class)
@SerdeImport(InstanceView.BackupWindow.class)
@SerdeImport(InstanceView.FailoverView.class)
@SerdeImport(FleetController.Page.class)
@TokenProtected
public class FleetController {

    static final int MAX_PAGE_SIZE = 500;

    private final QueryableStores stores;

    public FleetController(QueryableStores stores) {
        this.stores = stores;
    }

    /** A page of views. */
    public record Page(List<InstanceView> items, int page, int size, long total) {
    }

    @KeyedRead(store = FleetViewTopology.STORE)
    @Get("/{id}")
    @ApiResponse(responseCode = "200", description = "the fleet view of the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = InstanceView.class)))
    @ApiResponse(responseCode = "404", description = "the fleet view does not know the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> instance(@PathVariable String id, HttpRequest<?> request) {
        Optional<ReadOnlyKeyValueStore<String, InstanceView>> store = stores.store(FleetViewTopology.STORE);
        if (store.isEmpty()) {
            return QueryableStores.unavailable(FleetViewTopology.STORE);
        }
        InstanceView view = store.get().get(id);
        if (view == null) {
            return HttpResponse.notFound(new Problem("no instance " + id + " in the fleet view"));
        }
        return AuthFilter.outsideScope(request, view.organizationId()).<HttpResponse<?>>map(r -> r)
                .orElseGet(() -> HttpResponse.ok(view));
    }

    @Get
    @ApiResponse(responseCode = "200", description = "a page of the fleet view",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Page.class)))
    public HttpResponse<?> instances(@Nullable @QueryValue String organization, @Nullable @QueryValue String engine,
            @Nullable @QueryValue String status, @QueryValue(defaultValue = "0") int page,
            @QueryValue(defaultValue = "50") int size, HttpRequest<?> request) {
        Caller caller = AuthFilter.caller(request);
        if (!caller.operator()) {
            if (organization != null && !organization.equals(caller.organization())) {
                return HttpResponse.status(io.micronaut.http.HttpStatus.FORBIDDEN).body(new Problem(
                        "this token is for organization " + caller.organization()));
            }
        }
        String org = caller.operator() ? organization : caller.organization();
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            return HttpResponse.badRequest(new Problem("page must be >= 0 and size from 1 to " + MAX_PAGE_SIZE));
        }
        Optional<ReadOnlyKeyValueStore<String, InstanceView>> store = stores.store(FleetViewTopology.STORE);
        if (store.isEmpty()) {
            return QueryableStores.unavailable(FleetViewTopology.STORE);
        }
        // only the page is kept: an operator's listing of a 100,000-instance fleet must not hold it all in memory
        long from = (long) page * size;
        List<InstanceView> items = new ArrayList<>();
        long matching = 0;
        try (KeyValueIterator<String, InstanceView> all = store.get().all()) {
            while (all.hasNext()) {
                InstanceView v = all.next().value;
                if ((org == null || org.equals(v.organizationId()))
                        && (engine == null || engine.equalsIgnoreCase(v.engine()))
                        && (status == null || status.equalsIgnoreCase(v.status().name()))) {
                    if (matching >= from && items.size() < size) {
                        items.add(v);
                    }
                    matching++;
                }
            }
        }
        return HttpResponse.ok(new Page(items, page, size, matching));
    }
}
