package io.datastores.marketplace.api;

import io.datastores.marketplace.secrets.CredentialVault;
import io.datastores.service.Problem;
import io.datastores.service.api.TokenProtected;
import io.datastores.service.auth.AuthFilter;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.SerdeImport;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/**
 * The credential vault's master keyring, for operators ({@code ./dcp vault status|rotate}):
 * {@code GET /admin/vault} shows the key ids, the primary, and how many data keys each wraps;
 * {@code POST /admin/vault/rotate} makes a new primary, re-wraps every data key under it while
 * reads and imports go on, and retires the old key (from the ring and its file), answering the
 * rotation: 200 when the old key is retired, 500 with the rotation and its error when it is kept
 * (the next call resumes), 409 when one runs already or the key is set inline, 503 while the data
 * keys are still loading.
 */
@Controller("/admin/vault")
@SerdeImport(CredentialVault.Status.class)
@SerdeImport(CredentialVault.KeyCount.class)
@SerdeImport(CredentialVault.Rotation.class)
@TokenProtected
public class VaultController {

    private final CredentialVault vault;

    public VaultController(CredentialVault vault) {
        this.vault = vault;
    }

    @Get
    @ApiResponse(responseCode = "200", description = "the master keys, the primary, data keys per master key",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = CredentialVault.Status.class)))
    public HttpResponse<?> status(HttpRequest<?> request) {
        if (!AuthFilter.caller(request).operator()) {
            return HttpResponse.status(HttpStatus.FORBIDDEN).body(new Problem("operators only"));
        }
        return HttpResponse.ok(vault.status());
    }

    @Post("/rotate")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @ApiResponse(responseCode = "200", description = "rotated: the new key id, data keys re-wrapped, the old"
            + " key retired", content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = CredentialVault.Rotation.class)))
    @ApiResponse(responseCode = "409", description = "a rotation runs already, or the master key is set inline",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "500", description = "not finished: the old key is kept (the error says why);"
            + " rotating again resumes", content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = CredentialVault.Rotation.class)))
    public HttpResponse<?> rotate(HttpRequest<?> request) {
        if (!AuthFilter.caller(request).operator()) {
            return HttpResponse.status(HttpStatus.FORBIDDEN).body(new Problem("operators only"));
        }
        try {
            CredentialVault.Rotation r = vault.rotate();
            return r.retired() ? HttpResponse.ok(r) : HttpResponse.status(HttpStatus.INTERNAL_SERVER_ERROR).body(r);
        } catch (CredentialVault.RotationRefused e) {
            return HttpResponse.status(e.retryable() ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.CONFLICT)
                    .body(new Problem(e.getMessage()));
        }
    }
}
