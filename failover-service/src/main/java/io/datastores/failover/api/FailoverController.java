package io.datastores.failover.api;

import java.util.List;
import java.util.Optional;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.datastores.failover.domain.InstanceHealth;
import io.datastores.failover.topology.FailoverTopology;
import io.datastores.service.Problem;
import io.datastores.service.QueryableStores;
import io.micronaut.http.HttpResponse;
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
 * An instance as failover sees it: {@code GET /instances/{id}/nodes} (each node's role, status,
 * last heartbeat, position and epoch) and {@code GET /instances/{id}/failovers} (the failover in
 * progress and the last ones, each with its phases, timings and data loss).
 */
@Controller("/instances")
@SerdeImport(InstanceHealth.Node.class)
@SerdeImport(InstanceHealth.Failover.class)
@SerdeImport(InstanceHealth.Phase.class)
@SerdeImport(InstanceHealth.RestorePoint.class)
@TokenProtected
public class FailoverController {

    private final QueryableStores stores;

    public FailoverController(QueryableStores stores) {
        this.stores = stores;
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
    @ApiResponse(responseCode = "200", description = "each node's role, status, heartbeat, position and epoch",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Nodes.class)))
    @ApiResponse(responseCode = "404", description = "failover-service does not watch the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> nodes(@PathVariable String id) {
        return withHealth(id, h -> HttpResponse.ok(new Nodes(id, h.epoch(), h.nodes(), h.restorePoint())));
    }

    @Get("/{id}/failovers")
    @ApiResponse(responseCode = "200", description = "the failover in progress and the last ones",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Failovers.class)))
    @ApiResponse(responseCode = "404", description = "failover-service does not watch the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> failovers(@PathVariable String id) {
        return withHealth(id, h -> HttpResponse.ok(new Failovers(id, h.epoch(), h.active(), h.history())));
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
