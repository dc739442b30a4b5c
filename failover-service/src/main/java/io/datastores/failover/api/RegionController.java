package io.datastores.failover.api;

import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.datastores.contract.Topics;
import io.datastores.events.RegionCommandRejected;
import io.datastores.events.RegionFailoverDecision;
import io.datastores.failover.domain.RegionState;
import io.datastores.failover.topology.FailoverTopology;
import io.datastores.service.Problem;
import io.datastores.service.QueryableStores;
import io.datastores.service.routing.KeyedRead;
import io.datastores.service.commands.Command;
import io.datastores.service.commands.CommandGateway;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.SerdeImport;
import io.micronaut.serde.annotation.Serdeable;
import io.datastores.service.api.TokenProtected;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/**
 * The mass-failure guard per region ({@code cloud:region}, e.g. {@code AWS:us-east-1}):
 * {@code GET /regions/{region}} (watched nodes, pending and held suspicions, whether paused and why)
 * and {@code POST /regions/{region}/decision {"action": "CONFIRM"|"DISMISS", "operator": "...",
 * "note": "..."}}: an operator confirms a paused region's held losses (they fail over) or dismisses
 * them (the monitoring path was at fault). 200 once the guard has decided (it decides in event
 * time, within a few seconds), 202 with the request id while it has not; 409 when the region is not
 * paused.
 */
@Controller("/regions")
@SerdeImport(RegionState.class)
@SerdeImport(RegionState.Suspicion.class)
@TokenProtected
public class RegionController {

    private final QueryableStores stores;
    private final CommandGateway commands;

    public RegionController(QueryableStores stores, CommandGateway commands) {
        this.stores = stores;
        this.commands = commands;
    }

    /** An operator's decision. */
    @Serdeable
    public record Decision(@Schema(allowableValues = {"CONFIRM", "DISMISS"}, example = "CONFIRM") String action,
            @Schema(example = "alice", description = "who decides") String operator,
            @io.micronaut.core.annotation.Nullable @Schema(example = "monitoring path restored") String note) {
    }

    /** The answer to an accepted decision. */
    @Serdeable
    public record Accepted(String region, String action, String eventId) {
    }

    @KeyedRead(store = FailoverTopology.REGION_STORE, key = "region")
    @Get("/{region}")
    @ApiResponse(responseCode = "200", description = "the region's guard: watched nodes, pending and held suspicions",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = RegionState.class)))
    @ApiResponse(responseCode = "404", description = "no node of the region is watched",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> region(@PathVariable String region) {
        return stores.lookup(FailoverTopology.REGION_STORE, region, "watched region");
    }

    @KeyedRead(store = FailoverTopology.REGION_STORE, key = "region")
    @Post("/{region}/decision")
    @ApiResponse(responseCode = "200", description = "the region's guard has decided",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Accepted.class)))
    @ApiResponse(responseCode = "202", description = "the decision is on its way to the region's guard",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Accepted.class)))
    @ApiResponse(responseCode = "409", description = "automatic failover is not paused in the region",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> decide(@PathVariable String region, @Body Decision body) throws Exception {
        if (body == null || !("CONFIRM".equals(body.action()) || "DISMISS".equals(body.action()))) {
            return HttpResponse.badRequest(new Problem("action must be CONFIRM (the held losses fail over) or"
                    + " DISMISS (the held suspicions are dropped)"));
        }
        if (body.operator() == null || body.operator().isBlank()) {
            return HttpResponse.badRequest(new Problem("operator must name who decides"));
        }
        Optional<ReadOnlyKeyValueStore<String, RegionState>> store = stores.store(FailoverTopology.REGION_STORE);
        if (store.isEmpty()) {
            return QueryableStores.unavailable(FailoverTopology.REGION_STORE);
        }
        RegionState state = store.get().get(region);
        if (state == null || !state.paused()) {
            return HttpResponse.status(HttpStatus.CONFLICT)
                    .body(new Problem("automatic failover is not paused in " + region));
        }
        String requestId = UUID.randomUUID().toString();
        CommandGateway.Decision decision = commands.send(Command.to(Topics.FAILOVER_COMMANDS, region, requestId,
                new RegionFailoverDecision(region, body.action(), body.operator(),
                        body.note() == null ? "" : body.note())).decidedOn(Topics.FAILOVER_EVENTS)).join();
        if (decision.payload() instanceof RegionCommandRejected rejected) {
            return HttpResponse.status(HttpStatus.CONFLICT).body(new Problem(rejected.getReason()));
        }
        Accepted accepted = new Accepted(region, body.action(), requestId);
        return decision.pending() ? HttpResponse.accepted().body(accepted) : HttpResponse.ok(accepted);
    }
}
