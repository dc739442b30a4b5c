package io.datastores.failover.api;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.datastores.failover.domain.InstanceHealth;
import io.datastores.failover.topology.FailoverTopology;
import io.datastores.service.Problem;
import io.datastores.service.QueryableStores;
import io.datastores.service.auth.AuthFilter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.SerdeImport;
import io.micronaut.serde.annotation.Serdeable;

/**
 * An instance as failover sees it: {@code GET /instances/{id}/nodes} (each node's role, status,
 * last heartbeat, position and epoch) and {@code GET /instances/{id}/failovers} (the failover in
 * progress and the last ones, each with its phases, timings, data loss and, once its lost primary
 * was rewound, the measured loss); and {@code POST /instances/{id}/switchover {"targetNodeId":
 * optional, "operator": "...", "note": "...", "requestId": optional}}: a planned switchover, answered
 * 202 with the request id; its outcome is {@code SwitchoverStarted} or {@code SwitchoverRejected}
 * (with the reason) on {@code dcp.failover-events}, and the switchover in {@code /failovers}.
 */
@Controller("/instances")
@SerdeImport(InstanceHealth.Node.class)
@SerdeImport(InstanceHealth.Failover.class)
@SerdeImport(InstanceHealth.Phase.class)
@SerdeImport(InstanceHealth.RestorePoint.class)
@SerdeImport(InstanceHealth.Switchover.class)
@SerdeImport(InstanceHealth.MeasuredLoss.class)
public class FailoverController {

    private final QueryableStores stores;
    private final SwitchoverRequests switchovers;

    public FailoverController(QueryableStores stores, SwitchoverRequests switchovers) {
        this.stores = stores;
        this.switchovers = switchovers;
    }

    /** An operator's planned switchover: to {@code targetNodeId}, or (null) the most advanced standby. */
    @Serdeable
    public record SwitchoverRequest(@Nullable String targetNodeId, @Nullable String operator, @Nullable String note,
            @Nullable String requestId) {
    }

    /** The answer to an accepted request: the outcome follows on dcp.failover-events. */
    @Serdeable
    public record SwitchoverAccepted(String instanceId, String requestId, String targetNodeId, String outcome) {
    }

    /** The nodes of an instance and its fencing epoch. */
    @Serdeable
    public record Nodes(String instanceId, long epoch, List<InstanceHealth.Node> nodes,
            InstanceHealth.RestorePoint restorePoint) {
    }

    /** The failover in progress (null when none) and the last ones, newest first. */
    @Serdeable
    public record Failovers(String instanceId, long epoch, InstanceHealth.Failover active,
            List<InstanceHealth.Failover> history) {
    }

    @Get("/{id}/nodes")
    public HttpResponse<?> nodes(@PathVariable String id) {
        return withHealth(id, h -> HttpResponse.ok(new Nodes(id, h.epoch(), h.nodes(), h.restorePoint())));
    }

    @Get("/{id}/failovers")
    public HttpResponse<?> failovers(@PathVariable String id) {
        return withHealth(id, h -> HttpResponse.ok(new Failovers(id, h.epoch(), h.active(), h.history())));
    }

    @Post("/{id}/switchover")
    public HttpResponse<?> switchover(@PathVariable String id, @Body @Nullable SwitchoverRequest body,
            HttpRequest<?> request) throws Exception {
        SwitchoverRequest asked = body == null ? new SwitchoverRequest(null, null, null, null) : body;
        String operator = asked.operator() == null || asked.operator().isBlank()
                ? AuthFilter.caller(request).subject() : asked.operator();
        if (operator == null || operator.isBlank()) {
            return HttpResponse.badRequest(new Problem("operator must name who asks"));
        }
        if (asked.requestId() != null && (asked.requestId().isBlank() || asked.requestId().length() > 200)) {
            return HttpResponse.badRequest(new Problem("requestId, when given, is 1 to 200 characters"));
        }
        String target = asked.targetNodeId() == null || asked.targetNodeId().isBlank() ? null : asked.targetNodeId();
        String requestId = asked.requestId() != null ? asked.requestId() : UUID.randomUUID().toString();
        switchovers.send(requestId, id, target, operator, asked.note() == null ? "" : asked.note());
        return HttpResponse.accepted().body(new SwitchoverAccepted(id, requestId, target,
                "SwitchoverStarted or SwitchoverRejected (with the reason) on dcp.failover-events"));
    }

    private HttpResponse<?> withHealth(String id,
            java.util.function.Function<InstanceHealth, HttpResponse<?>> answer) {
        Optional<ReadOnlyKeyValueStore<String, InstanceHealth>> store = stores.store(FailoverTopology.STORE);
        if (store.isEmpty()) {
            return QueryableStores.unavailable(FailoverTopology.STORE);
        }
        InstanceHealth health = store.get().get(id);
        return health == null || !health.tracked() ? HttpResponse.notFound(new Problem("no instance " + id
                + " is watched by failover")) : answer.apply(health);
    }
}
