package io.datastores.backup;

import io.datastores.service.api.ApiDocs;
import io.datastores.service.api.StoresController;
import io.datastores.service.api.TokenProtected;
import io.micronaut.openapi.annotation.OpenAPIInclude;
import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/** backup-service: daily full backups, log archiving and retention windows per plan. */
@OpenAPIDefinition(info = @Info(title = "backup-service", version = ApiDocs.VERSION,
        description = "Backups, restore windows and restore plans per instance, and"
                + " backup schedules (operators only)."
                + ApiDocs.NOTES))
@SecurityScheme(name = TokenProtected.SCHEME, type = SecuritySchemeType.HTTP, scheme = "bearer",
        bearerFormat = "JWT", description = ApiDocs.BEARER)
@OpenAPIInclude(classes = StoresController.class)
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
