package io.datastores.provisioning.api;

import java.util.Optional;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.datastores.service.Problem;
import io.datastores.service.auth.AuthFilter;
import io.micronaut.http.HttpRequest;

import io.datastores.provisioning.domain.InstanceEvent;
import io.datastores.provisioning.domain.InstanceState;
import io.datastores.provisioning.domain.OrganizationState;
import io.datastores.provisioning.topology.ProvisioningTopology;
import io.datastores.service.QueryableStores;
import io.datastores.service.routing.KeyedRead;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.serde.annotation.SerdeImport;
import io.datastores.service.api.TokenProtected;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/**
 * Read access to provisioning's own state (a caller sees its organization's; operators, all): {@code GET /instances/{id}} (status, plan,
 * nodes, trial, requests decided) and {@code GET /organizations/{id}} (tier, held names, instances).
 */
@Controller
@SerdeImport(InstanceState.EarlyFailover.class)
@SerdeImport(InstanceEvent.Accepted.class)
@SerdeImport(InstanceEvent.Node.class)
@SerdeImport(InstanceState.Endpoint.class)
@SerdeImport(InstanceState.NodeFailure.class)
@SerdeImport(OrganizationState.class)
@SerdeImport(OrganizationState.Reservation.class)
@SerdeImport(OrganizationState.Owned.class)
@TokenProtected
public class StateController {

    private final QueryableStores stores;

    public StateController(QueryableStores stores) {
        this.stores = stores;
    }

    @KeyedRead(store = ProvisioningTopology.STORE)
    @Get("/instances/{id}")
    @ApiResponse(responseCode = "200", description = "provisioning's state of the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = InstanceStateView.class)))
    @ApiResponse(responseCode = "404", description = "no such instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> instance(@PathVariable String id, HttpRequest<?> request) {
        Optional<ReadOnlyKeyValueStore<String, InstanceState>> store =
                stores.store(ProvisioningTopology.STORE);
        if (store.isEmpty()) {
            return QueryableStores.unavailable(ProvisioningTopology.STORE);
        }
        InstanceState state = store.get().get(id);
        if (state != null && state.instance() == null && !state.early().nodes().isEmpty()
                && AuthFilter.caller(request).operator()) {
            // nodes the data plane reported for an instance not (yet) requested
            return HttpResponse.ok(InstanceStateView.of(state));
        }
        if (state == null || state.instance() == null) {
            return HttpResponse.notFound(new Problem("no instance " + id));
        }
        return AuthFilter.outsideScope(request, state.instance().organizationId())
                .<HttpResponse<?>>map(r -> r)
                .orElseGet(() -> HttpResponse.ok(InstanceStateView.of(state)));
    }

    @KeyedRead(store = ProvisioningTopology.ORG_STORE)
    @Get("/organizations/{id}")
    @ApiResponse(responseCode = "200", description = "the organization's tier, held display names and instances",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = OrganizationState.class)))
    @ApiResponse(responseCode = "404", description = "neither billing nor a request has named the organization",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> organization(@PathVariable String id, HttpRequest<?> request) {
        return AuthFilter.outsideScope(request, id).<HttpResponse<?>>map(r -> r)
                .orElseGet(() -> stores.lookup(ProvisioningTopology.ORG_STORE, id, "organization known to provisioning"));
    }
}
