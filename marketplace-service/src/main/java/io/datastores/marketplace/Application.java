package io.datastores.marketplace;

import io.datastores.service.api.ApiDocs;
import io.datastores.service.api.StoresController;
import io.datastores.service.api.TokenProtected;
import io.micronaut.openapi.annotation.OpenAPIInclude;
import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/** marketplace-service: credentials, listings, connections and the read models dashboards consume. */
@OpenAPIDefinition(info = @Info(title = "marketplace-service", version = ApiDocs.VERSION,
        description = "Credentials, listings and connections; the fleet and marketplace"
                + " read models; the dashboard."
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
