package io.datastores.provisioning;

import io.datastores.service.api.ApiDocs;
import io.datastores.service.api.StoresController;
import io.datastores.service.api.TokenProtected;
import io.micronaut.openapi.annotation.OpenAPIInclude;
import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/** provisioning-service: turns instance requests into running instances per service plan. */
@OpenAPIDefinition(info = @Info(title = "provisioning-service", version = ApiDocs.VERSION,
        description = "The instance lifecycle: the catalog in force, and provisioning's"
                + " own state of instances and organizations."
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
