package io.datastores.failover.api;

import io.datastores.failover.domain.NodeHealthView;
import io.datastores.failover.topology.HealthTopology;
import io.datastores.service.QueryableStores;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.serde.annotation.SerdeImport;

/** {@code GET /instances/{id}/nodes}: the health of an instance's nodes. */
@Controller("/instances")
@SerdeImport(NodeHealthView.class)
@SerdeImport(NodeHealthView.NodeHealth.class)
public class HealthController {

    private final QueryableStores stores;

    public HealthController(QueryableStores stores) {
        this.stores = stores;
    }

    @Get("/{id}/nodes")
    public HttpResponse<?> nodes(@PathVariable String id) {
        return stores.lookup(HealthTopology.STORE, id, "node health");
    }
}
