package io.datastores.backup.api;

import io.datastores.backup.domain.Backup;
import io.datastores.backup.domain.BackupState;
import io.datastores.backup.topology.BackupTopology;
import io.datastores.service.QueryableStores;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.serde.annotation.SerdeImport;

/** {@code GET /instances/{id}/backups}: what backup-service knows of an instance's backups. */
@Controller("/instances")
@SerdeImport(BackupState.class)
@SerdeImport(Backup.class)
public class BackupController {

    private final QueryableStores stores;

    public BackupController(QueryableStores stores) {
        this.stores = stores;
    }

    @Get("/{id}/backups")
    public HttpResponse<?> backups(@PathVariable String id) {
        return stores.lookup(BackupTopology.STORE, id, "backups");
    }
}
