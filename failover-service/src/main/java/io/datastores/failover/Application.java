package io.datastores.failover;

import io.datastores.service.api.ApiDocs;
import io.datastores.service.api.StoresController;
import io.datastores.service.api.TokenProtected;
import io.micronaut.openapi.annotation.OpenAPIInclude;
import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/** failover-service: detects lost nodes, promotes standbys, schedules replacements and restores. */
@OpenAPIDefinition(info = @Info(title = "failover-service", version = ApiDocs.VERSION,
        description = "Failure detection and failover per instance, and the mass-failure"
                + " guard per region (operators only)."
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
