package io.datastores.provisioning.api;

import io.datastores.provisioning.domain.Catalog;
import io.datastores.service.api.TokenProtected;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.SerdeImport;

/** {@code GET /catalog}: the engines' plans and the clouds' regions this service decides with. */
@Controller("/catalog")
@SerdeImport(Catalog.class)
@SerdeImport(Catalog.Plan.class)
@SerdeImport(Catalog.Region.class)
@SerdeImport(Catalog.Backups.class)
@SerdeImport(Catalog.BackupPolicy.class)
@TokenProtected
public class CatalogController {

    private final Catalog catalog;

    public CatalogController(Catalog catalog) {
        this.catalog = catalog;
    }

    @Get
    public Catalog catalog() {
        return catalog;
    }
}
