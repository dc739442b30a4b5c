package io.datastores.service.api;

/**
 * What every service's generated OpenAPI document says alike (micronaut-openapi reads these
 * constants from each service's {@code @OpenAPIDefinition} at build time): how answers are shaped,
 * which errors come back, and how to get a token. The document is served at {@code /openapi.json}
 * ({@link OpenApiDocumentController}) and rendered at {@code /swagger-ui/index.html}.
 */
public final class ApiDocs {

    /** The API's version, as the documents state it. */
    public static final String VERSION = "0.1.0";

    /** How every answer is shaped. */
    public static final String NOTES = "\n\nEvery answer is JSON. A field without a value is left out"
            + " (never null); lists and maps are always present, empty as [] and {}. Errors answer a"
            + " Problem ({\"error\": \"...\"}): 401 without a valid token, 403 outside the token's role"
            + " or organization, 404 unknown, 422 refused by the domain's rules, 503 while state is"
            + " rebuilding (retry).";

    /** How to get a bearer token. */
    public static final String BEARER = "./dcp token --role viewer|platform|operator [--org ORG]"
            + " prints one";

    private ApiDocs() {
    }
}
