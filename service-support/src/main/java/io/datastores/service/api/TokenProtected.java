package io.datastores.service.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.datastores.service.Problem;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;

/**
 * A token-protected route (or every route of a controller), for the service's generated OpenAPI
 * document: it takes the bearer token ({@code Authorization: Bearer <token>}) and can answer, each
 * time with a {@link Problem} body, 400 (a malformed parameter or body), 401 (no, a forged or an
 * expired token), 403 (the token's role or organization does not allow it) and 503 (state is
 * rebuilding). A route adds its own answers (its 2xx body; 404, 409, 410, 422) with
 * {@link ApiResponse}. Routes open without a token ({@code AuthFilter}) do not carry it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@SecurityRequirement(name = TokenProtected.SCHEME)
@ApiResponse(responseCode = "400", description = "a malformed parameter or body",
        content = @Content(mediaType = TokenProtected.JSON, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "401", description = "no token, or a forged or expired one",
        content = @Content(mediaType = TokenProtected.JSON, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "403", description = "the token's role or organization does not allow it",
        content = @Content(mediaType = TokenProtected.JSON, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "503", description = "state is rebuilding or moving; retry shortly",
        content = @Content(mediaType = TokenProtected.JSON, schema = @Schema(implementation = Problem.class)))
public @interface TokenProtected {

    /** The media type of every answer. */
    String JSON = "application/json";

    /** The name of the bearer security scheme each service's document declares. */
    String SCHEME = "bearer";
}
