package io.datastores.marketplace.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.datastores.kit.auth.Caller;
import io.datastores.marketplace.domain.FleetSummary;
import io.datastores.marketplace.domain.HistoryView;
import io.datastores.marketplace.domain.InstanceView;
import io.datastores.marketplace.topology.FleetViewTopology;
import io.datastores.marketplace.topology.HistoryTopology;
import io.datastores.service.Problem;
import io.datastores.service.QueryableStores;
import io.datastores.service.routing.Fanout;
import io.datastores.service.routing.KeyedRead;
import io.datastores.service.auth.AuthFilter;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.serde.annotation.SerdeImport;
import io.micronaut.serde.annotation.Serdeable;
import io.datastores.service.api.TokenProtected;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/**
 * The dashboard: {@code GET /dashboard} serves the page (open; it asks for a token and calls the API
 * with it), {@code GET /fleet/summary} the fleet at a glance (counts by engine, plan and status,
 * instances in failover, backup coverage) and {@code GET /instances/{id}/history} an instance's last
 * events from every service. A caller sees its own organization; an operator, all.
 */
@Controller
@SerdeImport(HistoryView.class)
@SerdeImport(HistoryView.Entry.class)
public class DashboardController {

    private final QueryableStores stores;
    private final Fanout fanout;
    private final byte[] page;

    public DashboardController(QueryableStores stores, Fanout fanout) throws IOException {
        this.fanout = fanout;
        this.stores = stores;
        try (InputStream in = getClass().getResourceAsStream("/dashboard/index.html")) {
            this.page = in.readAllBytes();
        }
    }

    /** The fleet at a glance. */
    @Serdeable
    public record Summary(String organization, long instances, Map<String, Long> byStatus, Map<String, Long> byEngine,
            Map<String, Long> byPlan, List<InFailover> inFailover, long withBackupWindow, double backupCoverage) {

        /** The counts in key order, the instances in failover in id order, the coverage from the counts. */
        static Summary of(String organization, long instances, Map<String, Long> byStatus,
                Map<String, Long> byEngine, Map<String, Long> byPlan, List<InFailover> inFailover,
                long withBackupWindow) {
            List<InFailover> failing = new ArrayList<>(inFailover == null ? List.of() : inFailover);
            failing.sort(Comparator.comparing(InFailover::instanceId));
            return new Summary(organization, instances, new TreeMap<>(orEmpty(byStatus)),
                    new TreeMap<>(orEmpty(byEngine)), new TreeMap<>(orEmpty(byPlan)), List.copyOf(failing),
                    withBackupWindow, instances == 0 ? 0 : (double) withBackupWindow / instances);
        }

        /** This summary and another instance's, of other partitions, as one. */
        Summary merge(Summary other) {
            List<InFailover> failing = new ArrayList<>(inFailover);
            failing.addAll(other.inFailover() == null ? List.of() : other.inFailover());
            return of(organization, instances + other.instances(), sum(byStatus, other.byStatus()),
                    sum(byEngine, other.byEngine()), sum(byPlan, other.byPlan()), failing,
                    withBackupWindow + other.withBackupWindow());
        }

        /** Counts by an enum's names, as the answer's JSON keys them. */
        static Map<String, Long> named(Map<? extends Enum<?>, Long> counts) {
            Map<String, Long> out = new TreeMap<>();
            counts.forEach((k, n) -> out.put(k.name(), n));
            return out;
        }

        private static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
            Map<String, Long> out = new TreeMap<>(orEmpty(a));
            orEmpty(b).forEach((k, v) -> out.merge(k, v, Long::sum));
            return out;
        }

        private static Map<String, Long> orEmpty(Map<String, Long> m) {
            return m == null ? Map.of() : m;
        }
    }

    @Serdeable
    public record InFailover(String instanceId, String displayName, String kind, String failedNodeId) {
    }

    @Get(value = "/dashboard", produces = MediaType.TEXT_HTML)
    @ApiResponse(responseCode = "200", description = "the dashboard's page (it asks for a token)",
            content = @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = "string")))
    public HttpResponse<String> dashboard() {
        return HttpResponse.ok(new String(page, StandardCharsets.UTF_8)).contentType(MediaType.TEXT_HTML_TYPE);
    }

    @Get("/fleet/summary")
    @TokenProtected
    @ApiResponse(responseCode = "200", description = "the fleet at a glance, from every instance of the service",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Summary.class)))
    public CompletableFuture<HttpResponse<?>> summary(HttpRequest<?> request) {
        Caller caller = AuthFilter.caller(request);
        Optional<ReadOnlyKeyValueStore<String, FleetSummary>> store = stores.store(FleetViewTopology.SUMMARY_STORE);
        if (store.isEmpty()) {
            return FleetController.done(QueryableStores.unavailable(FleetViewTopology.SUMMARY_STORE));
        }
        String organization = caller.operator() ? "*" : caller.organization();
        FleetSummary total = FleetSummary.empty(organization);
        // one small record per organization and partition: the operator's pass is over organizations, not instances
        try (KeyValueIterator<String, FleetSummary> parts = caller.operator() ? store.get().all()
                : store.get().range(organization, organization)) {
            while (parts.hasNext()) {
                FleetSummary part = parts.next().value;
                if (caller.sees(part.organizationId())) {
                    total = total.merge(part);
                }
            }
        }
        List<InFailover> failing = total.inFailover().stream()
                .map(f -> new InFailover(f.instanceId(), f.displayName(), f.kind().name(), f.failedNodeId())).toList();
        Summary here = Summary.of(organization, total.instances(), Summary.named(total.byStatus()), Summary.named(total.byEngine()),
                total.byPlan(), failing, total.withBackupWindow());
        if (Fanout.localOnly(request)) { // another instance asks: this one's partitions
            return FleetController.done(HttpResponse.ok(here));
        }
        return fanout.others(request, FleetViewTopology.SUMMARY_STORE).<HttpResponse<?>>thenApply(bodies -> {
            Summary all = here;
            for (byte[] body : bodies) {
                all = all.merge(FleetController.read(body, Summary.class));
            }
            return HttpResponse.ok(all);
        }).exceptionally(FleetController::unavailable);
    }

    @KeyedRead(store = HistoryTopology.STORE)
    @Get("/instances/{id}/history")
    @TokenProtected
    @ApiResponse(responseCode = "200", description = "the instance's last events from every service",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = HistoryView.class)))
    @ApiResponse(responseCode = "404", description = "the fleet view does not know the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> history(@PathVariable String id, HttpRequest<?> request) {
        Optional<ReadOnlyKeyValueStore<String, HistoryView>> history = stores.store(HistoryTopology.STORE);
        if (history.isEmpty()) {
            return QueryableStores.unavailable(HistoryTopology.STORE);
        }
        // the history's holder answers; the fleet view's partition of the key may be held by another
        // instance (another sub-topology), whose standby replica is then read here
        InstanceView view = stores.<InstanceView>fromAnyCopy(FleetViewTopology.STORE, id).orElse(null);
        if (view == null) {
            return HttpResponse.notFound(new Problem("no instance " + id + " in the fleet view"));
        }
        return AuthFilter.outsideScope(request, view.offering().organizationId()).<HttpResponse<?>>map(r -> r)
                .orElseGet(() -> HttpResponse.ok(Optional.ofNullable(history.get().get(id))
                        .orElse(new HistoryView(id, List.of()))));
    }
}
