package io.datastores.marketplace.api;

import io.datastores.kit.auth.Caller;
import io.datastores.service.auth.AuthFilter;
import io.micronaut.http.HttpRequest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.datastores.marketplace.domain.InstanceView;
import io.datastores.marketplace.json.FlatViews;
import io.datastores.marketplace.topology.FleetViewTopology;
import io.datastores.service.Problem;
import io.datastores.service.QueryableStores;
import io.datastores.kit.json.JsonSerde;
import io.datastores.service.routing.Fanout;
import io.datastores.service.routing.KeyedRead;
import io.datastores.service.routing.Listing;
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
 * by organization, engine and status, in instance id order; a caller sees its own organization, an operator
 * any). A listing covers every instance of the service ({@link Fanout}). Answers 503 while the store is
 * (re)building, or while an instance holding part of the listing does not answer.
 */
@Controller("/instances")
@SerdeImport(value = InstanceView.class, mixin = FlatViews.InstanceViewShape.class)
@SerdeImport(InstanceView.NodeView.class)
@SerdeImport(InstanceView.CommandPolicyView.class)
@SerdeImport(InstanceView.BackupWindow.class)
@SerdeImport(value = InstanceView.FailoverView.class, mixin = FlatViews.FailoverViewShape.class)
@SerdeImport(InstanceView.Access.class)
@SerdeImport(InstanceView.Outcome.class)
@SerdeImport(io.datastores.marketplace.domain.Offering.class)
@SerdeImport(FleetController.Page.class)
@TokenProtected
public class FleetController {

    static final int MAX_PAGE_SIZE = 500;

    private final QueryableStores stores;
    private final Fanout fanout;

    public FleetController(QueryableStores stores, Fanout fanout) {
        this.stores = stores;
        this.fanout = fanout;
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
        return AuthFilter.outsideScope(request, view.offering().organizationId()).<HttpResponse<?>>map(r -> r)
                .orElseGet(() -> HttpResponse.ok(view));
    }

    @Get
    @ApiResponse(responseCode = "200", description = "a page of the fleet view, in instance id order, from every"
            + " instance of the service",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Page.class)))
    public CompletableFuture<HttpResponse<?>> instances(@Nullable @QueryValue String organization,
            @Nullable @QueryValue String engine, @Nullable @QueryValue String status,
            @QueryValue(defaultValue = "0") int page, @QueryValue(defaultValue = "50") int size,
            HttpRequest<?> request) {
        Caller caller = AuthFilter.caller(request);
        if (!caller.operator()) {
            if (organization != null && !organization.equals(caller.organization())) {
                return done(HttpResponse.status(io.micronaut.http.HttpStatus.FORBIDDEN).body(new Problem(
                        "this token is for organization " + caller.organization())));
            }
        }
        String org = caller.operator() ? organization : caller.organization();
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            return done(HttpResponse.badRequest(new Problem("page must be >= 0 and size from 1 to " + MAX_PAGE_SIZE)));
        }
        Optional<ReadOnlyKeyValueStore<String, InstanceView>> store = stores.store(FleetViewTopology.STORE);
        if (store.isEmpty()) {
            return done(QueryableStores.unavailable(FleetViewTopology.STORE));
        }
        // only the items through the page are kept: an operator's listing of a 100,000-instance fleet must not
        // hold it all in memory
        long from = (long) page * size;
        Listing.First<InstanceView> here = new Listing.First<>(ORDER, from + size);
        try (KeyValueIterator<String, InstanceView> all = store.get().all()) {
            while (all.hasNext()) {
                InstanceView v = all.next().value;
                if ((org == null || org.equals(v.offering().organizationId()))
                        && (engine == null || engine.equalsIgnoreCase(String.valueOf(v.offering().engine())))
                        && (status == null || status.equalsIgnoreCase(v.status().name()))) {
                    here.offer(v);
                }
            }
        }
        if (Fanout.localOnly(request)) { // another instance asks: this one's items through the page
            return done(HttpResponse.ok(new Page(here.items(), page, size, here.offered())));
        }
        return fanout.others(request, FleetViewTopology.STORE).<HttpResponse<?>>thenApply(bodies -> {
            List<List<InstanceView>> prefixes = new ArrayList<>(List.of(here.items()));
            long total = here.offered();
            for (byte[] body : bodies) {
                Page part = read(body, Page.class);
                prefixes.add(part.items());
                total += part.total();
            }
            return HttpResponse.ok(new Page(Listing.page(prefixes, ORDER, from, size), page, size, total));
        }).exceptionally(FleetController::unavailable);
    }

    /** The order of every listing of the fleet: the store's key's. */
    private static final Comparator<InstanceView> ORDER = Comparator.comparing(InstanceView::instanceId);

    static CompletableFuture<HttpResponse<?>> done(HttpResponse<?> answer) {
        return CompletableFuture.completedFuture(answer);
    }

    /** Another instance's answer, as this instance's controller wrote it. */
    static <T> T read(byte[] body, Class<T> type) {
        try {
            return JsonSerde.MAPPER.readValue(body, type);
        } catch (java.io.IOException e) {
            throw new Fanout.Unavailable("another instance's answer could not be read: " + e.getMessage());
        }
    }

    /** 503 with the reason a listing cannot be answered whole now. */
    static HttpResponse<?> unavailable(Throwable failed) {
        Throwable cause = Fanout.cause(failed);
        if (cause instanceof Fanout.Unavailable) {
            return HttpResponse.status(io.micronaut.http.HttpStatus.SERVICE_UNAVAILABLE)
                    .body(new Problem(cause.getMessage()));
        }
        throw new java.util.concurrent.CompletionException(cause);
    }
}
