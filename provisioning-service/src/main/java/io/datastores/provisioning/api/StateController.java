package io.datastores.provisioning.api;

import io.datastores.provisioning.domain.InstanceEvent;
import io.datastores.provisioning.domain.InstanceState;
import io.datastores.provisioning.domain.OrganizationState;
import io.datastores.provisioning.topology.ProvisioningTopology;
import io.datastores.service.QueryableStores;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.serde.annotation.SerdeImport;

/**
 * Operators' read access to provisioning's own state: {@code GET /instances/{id}} (status, plan,
 * nodes, trial, requests decided) and {@code GET /organizations/{id}} (tier, held names, instances).
 */
@Controller
@SerdeImport(InstanceState.class)
@SerdeImport(InstanceEvent.Accepted.class)
@SerdeImport(InstanceEvent.Node.class)
@SerdeImport(OrganizationState.class)
@SerdeImport(OrganizationState.Reservation.class)
@SerdeImport(OrganizationState.Owned.class)
public class StateController {

    private final QueryableStores stores;

    public StateController(QueryableStores stores) {
        this.stores = stores;
    }

    @Get("/instances/{id}")
    public HttpResponse<?> instance(@PathVariable String id) {
        return stores.lookup(ProvisioningTopology.STORE, id, "instance");
    }

    @Get("/organizations/{id}")
    public HttpResponse<?> organization(@PathVariable String id) {
        return stores.lookup(ProvisioningTopology.ORG_STORE, id, "organization known to provisioning");
    }
}
