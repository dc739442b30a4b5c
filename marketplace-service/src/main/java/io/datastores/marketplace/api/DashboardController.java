package io.datastores.marketplace.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.datastores.kit.auth.Caller;
import io.datastores.marketplace.domain.HistoryView;
import io.datastores.marketplace.domain.InstanceView;
import io.datastores.marketplace.topology.FleetViewTopology;
import io.datastores.marketplace.topology.HistoryTopology;
import io.datastores.service.Problem;
import io.datastores.service.QueryableStores;
import io.datastores.service.auth.AuthFilter;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.serde.annotation.SerdeImport;
import io.micronaut.serde.annotation.Serdeable;

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
    private final byte[] page;

    public DashboardController(QueryableStores stores) throws IOException {
        this.stores = stores;
        try (InputStream in = getClass().getResourceAsStream("/dashboard/index.html")) {
            this.page = in.readAllBytes();
        }
    }

    /** The fleet at a glance. */
    @Serdeable
    public record Summary(String organization, long instances, Map<String, Long> byStatus, Map<String, Long> byEngine,
            Map<String, Long> byPlan, List<InFailover> inFailover, long withBackupWindow, double backupCoverage) {
    }

    @Serdeable
    public record InFailover(String instanceId, String displayName, String kind, String failedNodeId) {
    }

    @Get(value = "/dashboard", produces = MediaType.TEXT_HTML)
    public HttpResponse<String> dashboard() {
        return HttpResponse.ok(new String(page, StandardCharsets.UTF_8)).contentType(MediaType.TEXT_HTML_TYPE);
    }

    @Get("/fleet/summary")
    public HttpResponse<?> summary(HttpRequest<?> request) {
        Caller caller = AuthFilter.caller(request);
        Optional<ReadOnlyKeyValueStore<String, InstanceView>> store = stores.store(FleetViewTopology.STORE);
        if (store.isEmpty()) {
            return QueryableStores.unavailable(FleetViewTopology.STORE);
        }
        Map<String, Long> byStatus = new TreeMap<>();
        Map<String, Long> byEngine = new TreeMap<>();
        Map<String, Long> byPlan = new TreeMap<>();
        List<InFailover> failing = new ArrayList<>();
        long total = 0;
        long covered = 0;
        try (KeyValueIterator<String, InstanceView> all = store.get().all()) {
            while (all.hasNext()) {
                InstanceView v = all.next().value;
                if (!caller.sees(v.organizationId()) || v.status() == InstanceView.Status.DELETED) {
                    continue;
                }
                total++;
                byStatus.merge(v.status().name(), 1L, Long::sum);
                byEngine.merge(v.engine(), 1L, Long::sum);
                byPlan.merge(v.plan(), 1L, Long::sum);
                if (v.backupWindow() != null) {
                    covered++;
                }
                if (v.failover() != null && "IN_PROGRESS".equals(v.failover().state())) {
                    failing.add(new InFailover(v.instanceId(), v.displayName(), v.failover().kind(),
                            v.failover().failedNodeId()));
                }
            }
        }
        return HttpResponse.ok(new Summary(caller.operator() ? "*" : caller.organization(), total, byStatus, byEngine,
                byPlan, failing, covered, total == 0 ? 0 : (double) covered / total));
    }

    @Get("/instances/{id}/history")
    public HttpResponse<?> history(@PathVariable String id, HttpRequest<?> request) {
        Optional<ReadOnlyKeyValueStore<String, InstanceView>> fleet = stores.store(FleetViewTopology.STORE);
        Optional<ReadOnlyKeyValueStore<String, HistoryView>> history = stores.store(HistoryTopology.STORE);
        if (fleet.isEmpty() || history.isEmpty()) {
            return QueryableStores.unavailable(HistoryTopology.STORE);
        }
        InstanceView view = fleet.get().get(id);
        if (view == null) {
            return HttpResponse.notFound(new Problem("no instance " + id + " in the fleet view"));
        }
        return AuthFilter.outsideScope(request, view.organizationId()).<HttpResponse<?>>map(r -> r)
                .orElseGet(() -> HttpResponse.ok(Optional.ofNullable(history.get().get(id))
                        .orElse(new HistoryView(id, List.of()))));
    }
}
