package io.datastores.failover.api;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.datastores.contract.Topics;
import io.datastores.events.SwitchoverRejected;
import io.datastores.events.SwitchoverRequested;
import io.datastores.events.SwitchoverStarted;
import io.datastores.failover.domain.HeardNodes;
import io.datastores.failover.domain.InstanceHealth;
import io.datastores.failover.topology.FailoverTopology;
import io.datastores.service.Problem;
import io.datastores.service.QueryableStores;
import io.datastores.service.routing.KeyedRead;
import io.datastores.service.api.TokenProtected;
import io.datastores.service.auth.AuthFilter;
import io.datastores.service.commands.Command;
import io.datastores.service.commands.CommandGateway;
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
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

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
@SerdeImport(InstanceHealth.Phase.class)
@SerdeImport(InstanceHealth.RestorePoint.class)
@SerdeImport(InstanceHealth.Switchover.class)
@SerdeImport(InstanceHealth.MeasuredLoss.class)
@TokenProtected
public class FailoverController {

    private final QueryableStores stores;
    private final CommandGateway commands;

    public FailoverController(QueryableStores stores, CommandGateway commands) {
        this.stores = stores;
        this.commands = commands;
    }

    /** An operator's planned switchover: to {@code targetNodeId}, or (null) the most advanced standby. */
    @Serdeable
    public record SwitchoverRequest(@Nullable String targetNodeId, @Nullable String operator, @Nullable String note,
            @Nullable String requestId) {
    }

    /**
     * The answer to a switchover request: started (from, to, its id; the phases follow on
     * dcp.failover-events and in {@code /failovers}), or still pending (only the request id).
     */
    @Serdeable
    public record SwitchoverAnswer(String instanceId, String requestId, @Nullable String switchoverId,
            @Nullable String fromNodeId, @Nullable String toNodeId, String outcome) {
    }

    /** The nodes of an instance and its fencing epoch. */
    @Serdeable
    public record Nodes(String instanceId, long epoch, List<NodeView> nodes,
            InstanceHealth.RestorePoint restorePoint) {
    }

    /** The failover in progress (null when none) and the last ones, newest first. */
    @Serdeable
    public record Failovers(String instanceId, long epoch, FailoverView active,
            List<FailoverView> history) {
    }

    @KeyedRead(store = FailoverTopology.STORE)
    @Get("/{id}/nodes")
    @ApiResponse(responseCode = "200", description = "each node's role, status, heartbeat, position and epoch",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Nodes.class)))
    @ApiResponse(responseCode = "404", description = "failover-service does not watch the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> nodes(@PathVariable String id) {
        return withHealth(id, h -> HttpResponse.ok(new Nodes(id, h.epoch(),
                h.nodes().stream().map(NodeView::of).toList(), h.restorePoint())));
    }

    @KeyedRead(store = FailoverTopology.STORE)
    @Get("/{id}/failovers")
    @ApiResponse(responseCode = "200", description = "the failover in progress and the last ones",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Failovers.class)))
    @ApiResponse(responseCode = "404", description = "failover-service does not watch the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> failovers(@PathVariable String id) {
        return withHealth(id, h -> HttpResponse.ok(new Failovers(id, h.epoch(),
                FailoverView.of(h.active()), h.history().stream().map(FailoverView::of).toList())));
    }

    @KeyedRead(store = FailoverTopology.STORE)
    @Post("/{id}/switchover")
    @ApiResponse(responseCode = "200", description = "the switchover started: connections wait at the endpoint while"
            + " the target catches up, then it is promoted",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = SwitchoverAnswer.class)))
    @ApiResponse(responseCode = "202", description = "not decided yet: the request id to look for",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = SwitchoverAnswer.class)))
    @ApiResponse(responseCode = "422", description = "refused, with the reason (no healthy standby, a failover running,"
            + " a single-node plan ...)", content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> switchover(@PathVariable String id, @Body @Nullable SwitchoverRequest body,
            HttpRequest<?> request) {
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
        CommandGateway.Decision decision = commands.send(Command.to(Topics.FAILOVER_COMMANDS, id, requestId,
                new SwitchoverRequested(requestId, id, target, operator, asked.note() == null ? "" : asked.note()))
                .decidedOn(Topics.FAILOVER_EVENTS)).join();
        if (decision.payload() instanceof SwitchoverRejected rejected) {
            return HttpResponse.unprocessableEntity().body(new Problem(rejected.getReason()));
        }
        if (decision.payload() instanceof SwitchoverStarted started) {
            return HttpResponse.ok(new SwitchoverAnswer(id, requestId, started.getSwitchoverId(),
                    started.getFromNodeId(), started.getToNodeId(), "started"));
        }
        return HttpResponse.accepted().body(new SwitchoverAnswer(id, requestId, null, null, target,
                "pending: SwitchoverStarted or SwitchoverRejected follows on dcp.failover-events"));
    }

    private HttpResponse<?> withHealth(String id,
            java.util.function.Function<InstanceHealth, HttpResponse<?>> answer) {
        Optional<ReadOnlyKeyValueStore<String, InstanceHealth>> store = stores.store(FailoverTopology.STORE);
        Optional<ReadOnlyKeyValueStore<String, HeardNodes>> heard = stores.store(FailoverTopology.HEARD_STORE);
        if (store.isEmpty() || heard.isEmpty()) {
            return QueryableStores.unavailable(store.isEmpty() ? FailoverTopology.STORE : FailoverTopology.HEARD_STORE);
        }
        InstanceHealth health = FailoverTopology.health(store.get(), heard.get(), id);
        return health == null || !health.tracked() ? HttpResponse.notFound(new Problem("no instance " + id
                + " is watched by failover")) : answer.apply(health);
    }
}
