package io.datastores.service.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;

/**
 * {@code GET /openapi.json}: the service's OpenAPI document, as micronaut-openapi generated it at
 * build time from the controllers and their types ({@value #DOCUMENT} in the service's jar; the
 * same file is also served under {@code /swagger/openapi.json}, where Swagger UI at
 * {@code /swagger-ui/index.html} reads it). Open without a token, so that tools can read it.
 */
@Controller
@Hidden
public class OpenApiDocumentController {

    /** Where micronaut-openapi writes the document (service-parent's compiler arguments). */
    public static final String DOCUMENT = "META-INF/swagger/openapi.json";

    private final byte[] document;

    public OpenApiDocumentController() {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException(DOCUMENT + " is missing: the service was built without"
                        + " micronaut-openapi's annotation processor");
            }
            this.document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Get(value = "/openapi.json", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<byte[]> openApi() {
        return HttpResponse.ok(document).contentType(MediaType.APPLICATION_JSON_TYPE);
    }
}
