package io.datastores.marketplace.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.datastores.contract.Topics;
import io.datastores.events.ConnectionCreated;
import io.datastores.events.ConnectionRemovalRequested;
import io.datastores.events.ConnectionRemoved;
import io.datastores.events.ConnectionRequested;
import io.datastores.events.CredentialDeleted;
import io.datastores.events.CredentialDeletionRequested;
import io.datastores.events.CredentialImportRequested;
import io.datastores.events.CredentialImported;
import io.datastores.events.CredentialKind;
import io.datastores.events.ListingAdded;
import io.datastores.events.ListingRemoved;
import io.datastores.events.ListingRequested;
import io.datastores.events.MarketplaceRequestRejected;
import io.datastores.events.UnlistingRequested;
import io.datastores.kit.auth.Caller;
import io.datastores.marketplace.domain.ListingView;
import io.datastores.marketplace.domain.Engine;
import io.datastores.marketplace.domain.MarketplaceState;
import io.datastores.marketplace.json.FlatViews;
import io.datastores.marketplace.mapping.MarketplaceMapping;
import io.datastores.marketplace.secrets.CredentialVault;
import io.datastores.marketplace.secrets.SealKeys;
import io.datastores.marketplace.topology.MarketplaceTopology;
import io.datastores.service.Problem;
import io.datastores.service.QueryableStores;
import io.datastores.service.routing.Fanout;
import io.datastores.service.routing.KeyedRead;
import io.datastores.service.routing.Listing;
import io.datastores.service.auth.AuthFilter;
import io.datastores.service.commands.Command;
import io.datastores.service.commands.CommandGateway;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.SerdeImport;
import io.micronaut.serde.annotation.Serdeable;
import io.datastores.service.api.TokenProtected;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/**
 * Credentials, listings and connections (writes need a platform or operator token; a caller acts on
 * its own organization's instances). Each write is sent to {@code dcp.marketplace-commands} through
 * the {@link CommandGateway}, and the answer is the decision's event on
 * {@code dcp.marketplace-events} (up to {@code dcp.commands.decision-timeout}, 5 s): 201/200 when
 * done, 422 with the reason when refused, 202 with the request id when still pending.
 *
 * <ul>
 * <li>{@code POST /instances/{id}/credentials} {@code {"kind":"CREATED"|"SUPER_ADMIN","displayName",
 * "environment","username","password"}}; {@code DELETE /instances/{id}/credentials/{credentialId}}.
 * For an instance the local data plane runs, created credentials are answered once the data plane
 * has logged in with them (the password sealed for its key), and super admin credentials are its
 * administrator, whose password it issued (sealed for this service's key).</li>
 * <li>{@code POST /instances/{id}/listing}; {@code DELETE /instances/{id}/listing}</li>
 * <li>{@code POST /instances/{id}/connections} {@code {"componentId","environment","credentialId",
 * "database"}}; {@code GET|DELETE /instances/{id}/connections/{connectionId}};
 * {@code GET /instances/{id}/connections/{connectionId}/password} (platform or operator only). A
 * connection answers where to connect (the service host, and the address to dial where no DNS
 * serves it), {@code sslmode verify-full} and, for PostgreSQL, a libpq connection string with the
 * CA file ({@code dcp.marketplace.ca-file}), never the password.</li>
 * <li>{@code GET /instances/{id}/ca}: the PEM of the CA that signs the instance's server certificate
 * (the stack's, {@code dcp.marketplace.ca-file}), so that a client elsewhere can verify it</li>
 * <li>{@code GET /instances/{id}/marketplace}: the instance's marketplace view;
 * {@code GET /marketplace?organization=&engine=&page=&size=}: the listed databases and caches</li>
 * </ul>
 */
@Controller
@SerdeImport(value = ListingView.class, mixin = FlatViews.ListingViewShape.class)
@SerdeImport(MarketplaceState.Connection.class)
@TokenProtected
public class MarketplaceController {

    /** How a client verifies the server: the CA signs a certificate that names the service host. */
    static final String SSL_MODE = "verify-full";
    /** The media type of a PEM certificate. */
    static final String PEM = "application/x-pem-file";

    private final QueryableStores stores;
    private final CredentialVault vault;
    private final CommandGateway commands;
    private final SealKeys sealKeys;
    private final @Nullable Path caFile;
    private final Fanout fanout;

    public MarketplaceController(QueryableStores stores, CredentialVault vault, CommandGateway commands,
            SealKeys sealKeys, @Value("${dcp.marketplace.ca-file:}") String caFile, Fanout fanout) {
        this.stores = stores;
        this.fanout = fanout;
        this.vault = vault;
        this.commands = commands;
        this.sealKeys = sealKeys;
        this.caFile = caFile == null || caFile.isBlank() ? null : Path.of(caFile).toAbsolutePath();
    }

    /** A credential to import: CREATED with username and password, or SUPER_ADMIN (user {@code admin}). */
    @Serdeable
    public record CredentialBody(
            @Nullable @Schema(allowableValues = {"CREATED", "SUPER_ADMIN"}, example = "CREATED") String kind,
            @Nullable @Schema(example = "app") String displayName,
            @Nullable @Schema(example = "prod") String environment,
            @Nullable @Schema(example = "app_user", description = "CREATED only") String username,
            @Nullable @Schema(example = "s3cret", description = "CREATED only; sealed at once, never shown")
            String password) {
    }

    /** A credential as the API shows it: never its secret. */
    @Serdeable
    public record CredentialView(String credentialId, String kind, String displayName, String environment,
            String username, boolean active) {
    }

    /** A component's connection: in an environment, with an active credential of that environment. */
    @Serdeable
    public record ConnectionBody(@Nullable @Schema(example = "billing-api") String componentId,
            @Nullable @Schema(example = "prod") String environment,
            @Nullable @Schema(example = "cred-2f1c0d9e-5a7b-4c1e-9f3a-0b6d8e4c2a71") String credentialId,
            @Nullable @Schema(example = "orders") String database) {
    }

    /**
     * A connection's parameters: where and how to connect, and as whom; the password is asked for
     * apart. {@code hostAddress}: the address to dial where no DNS serves the service host (the
     * service host stays the name TLS verifies); {@code connectionString}: for PostgreSQL, what
     * {@code psql} takes.
     */
    @Serdeable
    public record ConnectionView(String connectionId, String instanceId, String componentId, String environment,
            String credentialId, String serviceHost,
            @Nullable @Schema(nullable = true, example = "127.0.0.1",
                    description = "the address to dial where no DNS serves the service host") String hostAddress,
            int port, boolean tlsRequired,
            @Schema(example = SSL_MODE, description = "verify the server's certificate and its host name")
            String sslmode, String database, String username,
            @Nullable @Schema(nullable = true, example = "host=orders.db.dcp.internal hostaddr=127.0.0.1"
                    + " port=41234 dbname=defaultdb user=app_user sslmode=verify-full"
                    + " sslrootcert=/home/me/dcp/.stack/tls/ca.crt",
                    description = "PostgreSQL: a libpq connection string (never the password)")
            String connectionString, boolean active) {

        ConnectionView removed() {
            return new ConnectionView(connectionId, instanceId, componentId, environment, credentialId, serviceHost,
                    hostAddress, port, tlsRequired, sslmode, database, username, connectionString, false);
        }
    }

    @Serdeable
    public record Pending(String requestId, String status) {
    }

    @Serdeable
    public record Password(String connectionId, String username, String password) {
    }

    @Serdeable
    public record Page(List<ListingView> items, int page, int size, long total) {
    }

    @KeyedRead(store = MarketplaceTopology.STORE)
    @Post("/instances/{id}/credentials")
    @ApiResponse(responseCode = "201", description = "imported: the credential, never its secret",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = CredentialView.class)))
    @ApiResponse(responseCode = "202", description = "no decision within 5 s (created credentials the local data"
            + " plane has not logged in with yet; it has 60 s): the request id, still pending",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Pending.class)))
    @ApiResponse(responseCode = "404", description = "the marketplace does not know the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "refused by the marketplace's rules, or the server refused"
            + " the login (CREDENTIAL_REFUSED): the code and the reason",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "the local data plane's sealing key is not available yet",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> importCredential(@PathVariable String id, @Body CredentialBody body,
            HttpRequest<?> request) throws InterruptedException {
        if (body == null || body.kind() == null) {
            return HttpResponse.badRequest(new Problem("kind must be CREATED or SUPER_ADMIN"));
        }
        CredentialKind kind;
        try {
            kind = CredentialKind.valueOf(body.kind());
        } catch (IllegalArgumentException e) {
            return HttpResponse.badRequest(new Problem("kind must be CREATED or SUPER_ADMIN"));
        }
        if (kind == CredentialKind.CREATED && (body.password() == null || body.password().isEmpty())) {
            return HttpResponse.badRequest(new Problem("created credentials need a password"));
        }
        return inScope(id, request, state -> {
            String credentialId = "cred-" + UUID.randomUUID();
            String requestId = UUID.randomUUID().toString();
            // the data plane that runs the instance logs in with created credentials before they count
            Optional<SealKeys.ForDataPlane> forDataPlane = Optional.empty();
            if (kind == CredentialKind.CREATED && state.runByLocalDataPlane()) {
                forDataPlane = sealKeys.sealForDataPlane(credentialId, body.password());
                if (forDataPlane.isEmpty()) {
                    return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).body(new Problem("the instance's"
                            + " data plane checks created credentials by logging in with them, and its sealing key"
                            + " is not available yet (dcp.marketplace.dataplane-seal-dir); retry"));
                }
            }
            // sealed at once, whatever its kind: a super admin's is refused by the decider, and shredded
            CredentialVault.Sealed sealed = body.password() == null || body.password().isEmpty() ? null
                    : vault.sealCredential(credentialId, body.password());
            return decide(id, requestId, CredentialImportRequested.newBuilder().setRequestId(requestId)
                    .setInstanceId(id).setOrganizationId(AuthFilter.caller(request).scope())
                    .setCredentialId(credentialId).setKind(kind).setDisplayName(text(body.displayName()))
                    .setEnvironment(text(body.environment())).setUsername(body.username())
                    .setEncryptedSecret(sealed == null ? null : sealed.ciphertext())
                    .setVerificationSecret(forDataPlane.map(f -> java.nio.ByteBuffer.wrap(f.sealed())).orElse(null))
                    .setVerificationKeyId(forDataPlane.map(SealKeys.ForDataPlane::keyId).orElse(null)).build(),
                    sealed, event -> event instanceof CredentialImported c ? HttpResponse.created(view(c)) : null);
        });
    }

    @KeyedRead(store = MarketplaceTopology.STORE)
    @Delete("/instances/{id}/credentials/{credentialId}")
    @ApiResponse(responseCode = "200", description = "deleted: the credential, inactive",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = CredentialView.class)))
    @ApiResponse(responseCode = "202", description = "no decision within 5 s: the request id, still pending",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Pending.class)))
    @ApiResponse(responseCode = "404", description = "the marketplace does not know the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "refused by the marketplace's rules: the code and the reason",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> deleteCredential(@PathVariable String id, @PathVariable String credentialId,
            HttpRequest<?> request) {
        return inScope(id, request, state -> {
            Optional<MarketplaceState.Credential> known = state.credential(credentialId);
            if (known.isPresent() && !known.get().active()) {
                return HttpResponse.ok(view(known.get())); // deleted already
            }
            String requestId = UUID.randomUUID().toString();
            return decide(id, requestId, new CredentialDeletionRequested(requestId, id,
                    AuthFilter.caller(request).scope(), credentialId), null,
                    event -> event instanceof CredentialDeleted ? known.<HttpResponse<?>>map(c -> HttpResponse.ok(
                            new CredentialView(c.credentialId(), c.kind().name(), c.displayName(), c.environment(),
                                    c.username(), false))).orElse(null) : null);
        });
    }

    @KeyedRead(store = MarketplaceTopology.STORE)
    @Get("/instances/{id}/credentials")
    @ApiResponse(responseCode = "200", description = "the instance's credentials, never their secrets",
            content = @Content(mediaType = TokenProtected.JSON,
                    array = @ArraySchema(schema = @Schema(implementation = CredentialView.class))))
    @ApiResponse(responseCode = "404", description = "the marketplace does not know the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> credentials(@PathVariable String id, HttpRequest<?> request) {
        return inScope(id, request, state -> HttpResponse.ok(state.credentials().stream()
                .map(MarketplaceController::view).toList()));
    }

    @KeyedRead(store = MarketplaceTopology.STORE)
    @Post("/instances/{id}/listing")
    @ApiResponse(responseCode = "200", description = "listed: the instance's marketplace view",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = ListingView.class)))
    @ApiResponse(responseCode = "202", description = "no decision within 5 s: the request id, still pending",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Pending.class)))
    @ApiResponse(responseCode = "404", description = "the marketplace does not know the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "refused by the marketplace's rules: the code and the reason",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> list(@PathVariable String id, HttpRequest<?> request) {
        return inScope(id, request, state -> {
            if (state.listed()) {
                return listing(id).<HttpResponse<?>>map(HttpResponse::ok).orElseGet(HttpResponse::ok);
            }
            String requestId = UUID.randomUUID().toString();
            return decide(id, requestId, new ListingRequested(requestId, id, AuthFilter.caller(request).scope()),
                    null, event -> event instanceof ListingAdded ? listed(id) : null);
        });
    }

    @KeyedRead(store = MarketplaceTopology.STORE)
    @Delete("/instances/{id}/listing")
    @ApiResponse(responseCode = "200", description = "unlisted: the instance's marketplace view",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = ListingView.class)))
    @ApiResponse(responseCode = "202", description = "no decision within 5 s: the request id, still pending",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Pending.class)))
    @ApiResponse(responseCode = "404", description = "the marketplace does not know the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "refused by the marketplace's rules: the code and the reason",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> unlist(@PathVariable String id, HttpRequest<?> request) {
        return inScope(id, request, state -> {
            String requestId = UUID.randomUUID().toString();
            return decide(id, requestId, new UnlistingRequested(requestId, id, AuthFilter.caller(request).scope()),
                    null, event -> event instanceof ListingRemoved ? listed(id) : null);
        });
    }

    @KeyedRead(store = MarketplaceTopology.STORE)
    @Post("/instances/{id}/connections")
    @ApiResponse(responseCode = "201", description = "connected: where and how to connect, and as whom",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = ConnectionView.class)))
    @ApiResponse(responseCode = "202", description = "no decision within 5 s: the request id, still pending",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Pending.class)))
    @ApiResponse(responseCode = "404", description = "the marketplace does not know the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "refused by the marketplace's rules: the code and the reason",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> connect(@PathVariable String id, @Body ConnectionBody body, HttpRequest<?> request) {
        if (body == null) {
            return HttpResponse.badRequest(new Problem("a connection needs componentId, environment and credentialId"));
        }
        return inScope(id, request, state -> {
            String requestId = UUID.randomUUID().toString();
            String connectionId = "conn-" + UUID.randomUUID();
            // the connection's own copy of the password: it outlives the credential's deletion
            Optional<CredentialVault.Sealed> copy;
            try {
                copy = state.credential(text(body.credentialId())).filter(MarketplaceState.Credential::active)
                        .flatMap(c -> vault.copyFor(connectionId, c.credentialId(), c.encryptedSecret()));
            } catch (CredentialVault.KeyUnavailable e) {
                return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).body(new Problem(e.getMessage()));
            }
            return decide(id, requestId, ConnectionRequested.newBuilder().setRequestId(requestId).setInstanceId(id)
                    .setOrganizationId(AuthFilter.caller(request).scope()).setConnectionId(connectionId)
                    .setComponentId(text(body.componentId())).setEnvironment(text(body.environment()))
                    .setCredentialId(text(body.credentialId())).setDatabase(text(body.database()))
                    .setEncryptedSecret(copy.map(CredentialVault.Sealed::ciphertext).orElse(null)).build(),
                    copy.orElse(null),
                    event -> event instanceof ConnectionCreated c ? HttpResponse.created(view(c, state)) : null);
        });
    }

    @KeyedRead(store = MarketplaceTopology.STORE)
    @Get("/instances/{id}/connections/{connectionId}")
    @ApiResponse(responseCode = "200", description = "where and how to connect, and as whom",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = ConnectionView.class)))
    @ApiResponse(responseCode = "404", description = "no such instance or connection",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> connection(@PathVariable String id, @PathVariable String connectionId,
            HttpRequest<?> request) {
        return inScope(id, request, state -> state.connection(connectionId)
                .<HttpResponse<?>>map(c -> HttpResponse.ok(view(id, state, c)))
                .orElseGet(() -> HttpResponse.notFound(new Problem("no connection " + connectionId))));
    }

    @KeyedRead(store = MarketplaceTopology.STORE)
    @Delete("/instances/{id}/connections/{connectionId}")
    @ApiResponse(responseCode = "200", description = "removed: the connection, inactive",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = ConnectionView.class)))
    @ApiResponse(responseCode = "202", description = "no decision within 5 s: the request id, still pending",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Pending.class)))
    @ApiResponse(responseCode = "404", description = "the marketplace does not know the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "refused by the marketplace's rules: the code and the reason",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> disconnect(@PathVariable String id, @PathVariable String connectionId,
            HttpRequest<?> request) {
        return inScope(id, request, state -> {
            Optional<MarketplaceState.Connection> known = state.connection(connectionId);
            if (known.isPresent() && !known.get().active()) {
                return HttpResponse.ok(view(id, state, known.get())); // removed already
            }
            String requestId = UUID.randomUUID().toString();
            return decide(id, requestId, new ConnectionRemovalRequested(requestId, id,
                    AuthFilter.caller(request).scope(), connectionId), null,
                    event -> event instanceof ConnectionRemoved ? known.<HttpResponse<?>>map(c -> HttpResponse.ok(
                            view(id, state, c).removed())).orElse(null) : null);
        });
    }

    /** The password of a connection's credential: for platform and operator tokens only, never logged. */
    @KeyedRead(store = MarketplaceTopology.STORE)
    @Get("/instances/{id}/connections/{connectionId}/password")
    @ApiResponse(responseCode = "200", description = "the password of the connection's credential",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Password.class)))
    @ApiResponse(responseCode = "404", description = "no such instance or connection",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "410", description = "the credential's secret is gone (its key destroyed), or"
            + " managed by a platform that does not hand it out (a simulated instance's super admin)",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> password(@PathVariable String id, @PathVariable String connectionId,
            HttpRequest<?> request) {
        Caller caller = AuthFilter.caller(request);
        if (!caller.writes()) {
            return HttpResponse.status(HttpStatus.FORBIDDEN).body(new Problem(
                    "only platform and operator tokens may read a password"));
        }
        return inScope(id, request, state -> {
            Optional<MarketplaceState.Connection> c = state.connection(connectionId);
            if (c.isEmpty()) {
                return HttpResponse.notFound(new Problem("no connection " + connectionId));
            }
            Optional<String> secret = Optional.empty();
            Optional<MarketplaceState.Credential> credential = state.credential(c.get().credentialId());
            if (c.get().active() && c.get().encryptedSecret() != null) {
                secret = vault.reveal(connectionId, c.get().encryptedSecret()); // the connection's own copy
            } else if (c.get().active() && credential.map(x -> x.kind().name()
                    .equals(CredentialKind.SUPER_ADMIN.name())).orElse(false)) {
                // the data plane's administrator: the password it issued last
                secret = sealKeys.openAdminPassword(id, state.adminPassword());
            } else if (c.get().active()) { // made before connections held their own copy: its credential's
                secret = credential.flatMap(x -> vault.reveal(x.credentialId(), x.encryptedSecret()));
            }
            return secret.<HttpResponse<?>>map(p -> HttpResponse.ok(new Password(connectionId, c.get().username(), p)))
                    .orElseGet(() -> HttpResponse.status(HttpStatus.GONE).body(new Problem("the connection's secret"
                            + " is not available: the connection is removed (its key destroyed), or the platform"
                            + " manages the password")));
        });
    }

    /** The PEM of the CA that signs the instance's server certificate: any token that sees the instance. */
    @KeyedRead(store = MarketplaceTopology.STORE)
    @Get("/instances/{id}/ca")
    @Produces({PEM, TokenProtected.JSON})
    @ApiResponse(responseCode = "200", description = "the CA certificate (PEM) to verify the server with"
            + " (sslmode verify-full)", content = @Content(mediaType = PEM,
                    schema = @Schema(type = "string", example = "-----BEGIN CERTIFICATE-----")))
    @ApiResponse(responseCode = "404", description = "no such instance, or no CA known here (simulated engines)",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> ca(@PathVariable String id, HttpRequest<?> request) {
        HttpResponse<?> answer = caOf(id, request);
        if (answer.getContentType().isEmpty() && answer instanceof MutableHttpResponse<?> m) {
            m.contentType(TokenProtected.JSON); // a refusal (403, 404) is a problem in JSON, not a PEM file
        }
        return answer;
    }

    private HttpResponse<?> caOf(String id, HttpRequest<?> request) {
        return inScope(id, request, state -> {
            if (caFile == null || !Files.isRegularFile(caFile)) {
                return HttpResponse.notFound(new Problem("no CA is known here: the instance's engine is simulated"
                        + " (the local data plane's CA is configured with dcp.marketplace.ca-file)"))
                        .contentType(TokenProtected.JSON);
            }
            try {
                return HttpResponse.ok(Files.readString(caFile, StandardCharsets.US_ASCII)).contentType(PEM);
            } catch (IOException e) {
                return HttpResponse.notFound(new Problem("the CA file cannot be read: " + e.getMessage()))
                        .contentType(TokenProtected.JSON);
            }
        });
    }

    @KeyedRead(store = MarketplaceTopology.STORE)
    @Get("/instances/{id}/marketplace")
    @ApiResponse(responseCode = "200", description = "the instance's marketplace view",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = ListingView.class)))
    @ApiResponse(responseCode = "404", description = "no marketplace view of the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> marketplaceOf(@PathVariable String id, HttpRequest<?> request) {
        return inScope(id, request, state -> listing(id).<HttpResponse<?>>map(HttpResponse::ok)
                .orElseGet(() -> HttpResponse.notFound(new Problem("no marketplace view of " + id))));
    }

    @Get("/marketplace")
    @ApiResponse(responseCode = "200", description = "a page of listed databases and caches, in instance id"
            + " order, from every instance of the service",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Page.class)))
    public CompletableFuture<HttpResponse<?>> marketplace(@Nullable @QueryValue String organization,
            @Nullable @QueryValue String engine, @QueryValue(defaultValue = "false") boolean all,
            @QueryValue(defaultValue = "0") int page, @QueryValue(defaultValue = "50") int size,
            HttpRequest<?> request) {
        if (page < 0 || size < 1 || size > FleetController.MAX_PAGE_SIZE) {
            return FleetController.done(HttpResponse.badRequest(new Problem("page must be >= 0 and size from 1 to "
                    + FleetController.MAX_PAGE_SIZE)));
        }
        Caller caller = AuthFilter.caller(request);
        if (!caller.operator() && organization != null && !organization.equals(caller.organization())) {
            return FleetController.done(HttpResponse.status(HttpStatus.FORBIDDEN).body(new Problem(
                    "this token is for organization " + caller.organization())));
        }
        String org = caller.operator() ? organization : caller.organization();
        Optional<ReadOnlyKeyValueStore<String, ListingView>> store = stores.store(MarketplaceTopology.LISTING_STORE);
        if (store.isEmpty()) {
            return FleetController.done(QueryableStores.unavailable(MarketplaceTopology.LISTING_STORE));
        }
        long from = (long) page * size;
        Listing.First<ListingView> here = new Listing.First<>(LISTING_ORDER, from + size);
        try (KeyValueIterator<String, ListingView> it = store.get().all()) {
            it.forEachRemaining(kv -> {
                ListingView v = kv.value;
                if ((all || (v.listed() && !v.deleted())) && v.offering().organizationId() != null
                        && (org == null || org.equals(v.offering().organizationId()))
                        && (engine == null || engine.equalsIgnoreCase(String.valueOf(v.offering().engine())))) {
                    here.offer(v);
                }
            });
        }
        if (Fanout.localOnly(request)) { // another instance asks: this one's items through the page
            return FleetController.done(HttpResponse.ok(new Page(here.items(), page, size, here.offered())));
        }
        return fanout.others(request, MarketplaceTopology.LISTING_STORE).<HttpResponse<?>>thenApply(bodies -> {
            List<List<ListingView>> prefixes = new ArrayList<>(List.of(here.items()));
            long total = here.offered();
            for (byte[] body : bodies) {
                Page part = FleetController.read(body, Page.class);
                prefixes.add(part.items());
                total += part.total();
            }
            return HttpResponse.ok(new Page(Listing.page(prefixes, LISTING_ORDER, from, size), page, size, total));
        }).exceptionally(FleetController::unavailable);
    }

    /** The order of every listing of the marketplace: the store's key's. */
    private static final Comparator<ListingView> LISTING_ORDER = Comparator.comparing(ListingView::instanceId);

    // --- helpers ---

    private HttpResponse<?> inScope(String id, HttpRequest<?> request,
            Function<MarketplaceState, HttpResponse<?>> answer) {
        Optional<ReadOnlyKeyValueStore<String, MarketplaceState>> store = stores.store(MarketplaceTopology.STORE);
        if (store.isEmpty()) {
            return QueryableStores.unavailable(MarketplaceTopology.STORE);
        }
        MarketplaceState state = store.get().get(id);
        if (state == null || !state.known()) {
            return HttpResponse.notFound(new Problem("no instance " + id + " is known to the marketplace"));
        }
        return AuthFilter.outsideScope(request, state.organizationId()).<HttpResponse<?>>map(r -> r)
                .orElseGet(() -> answer.apply(state));
    }

    /**
     * Sends a request (with its sealed secret's key, if any) and answers its decision: {@code done}'s
     * answer to the decision's event, 422 with the reason when refused, 202 with the request id when
     * not decided within the gateway's timeout.
     */
    private HttpResponse<?> decide(String id, String requestId, SpecificRecord payload,
            CredentialVault.@Nullable Sealed sealed, Function<Object, HttpResponse<?>> done) {
        Command command = Command.to(Topics.MARKETPLACE_COMMANDS, id, requestId, payload)
                .decidedOn(Topics.MARKETPLACE_EVENTS, MarketplaceMapping::decides);
        if (sealed != null) {
            command = command.with(Topics.CREDENTIAL_KEYS, sealed.keyId(), sealed.key());
            vault.remember(sealed);
        }
        CommandGateway.Decision decision;
        try {
            decision = commands.send(command).join();
        } catch (RuntimeException e) {
            if (sealed != null) {
                vault.forget(sealed);
            }
            throw e;
        }
        if (decision.payload() instanceof MarketplaceRequestRejected r) {
            return HttpResponse.status(HttpStatus.UNPROCESSABLE_ENTITY).body(new Problem(r.getCode() + ": "
                    + r.getReason()));
        }
        HttpResponse<?> answer = decision.pending() ? null : done.apply(decision.payload());
        return answer != null ? answer : HttpResponse.accepted().body(new Pending(requestId, "PENDING"));
    }

    /** The instance's marketplace view, once a listing decision is made. */
    private HttpResponse<?> listed(String id) {
        return listing(id).<HttpResponse<?>>map(HttpResponse::ok).orElseGet(HttpResponse::ok);
    }

    private Optional<ListingView> listing(String id) {
        return stores.<ListingView>store(MarketplaceTopology.LISTING_STORE).map(s -> s.get(id));
    }

    private static CredentialView view(MarketplaceState.Credential c) {
        return new CredentialView(c.credentialId(), c.kind().name(), c.displayName(), c.environment(), c.username(),
                c.active());
    }

    private static CredentialView view(CredentialImported c) {
        return new CredentialView(c.getCredentialId(), c.getKind().name(), c.getDisplayName(), c.getEnvironment(),
                c.getUsername(), true);
    }

    private ConnectionView view(ConnectionCreated c, MarketplaceState s) {
        return new ConnectionView(c.getConnectionId(), c.getInstanceId(), c.getComponentId(), c.getEnvironment(),
                c.getCredentialId(), c.getServiceHost(), c.getHostAddress(), c.getPort(), c.getTlsRequired(),
                SSL_MODE, c.getDatabase(), c.getUsername(), connectionString(caFile, s.engine(), c.getServiceHost(),
                        c.getHostAddress(), c.getPort(), c.getDatabase(), c.getUsername()), true);
    }

    private ConnectionView view(String id, MarketplaceState s, MarketplaceState.Connection c) {
        return new ConnectionView(c.connectionId(), id, c.componentId(), c.environment(), c.credentialId(),
                s.serviceHost(), s.hostAddress(), s.port(), s.tlsRequired(), SSL_MODE, c.database(), c.username(),
                connectionString(caFile, s.engine(), s.serviceHost(), s.hostAddress(), s.port(), c.database(),
                        c.username()), c.active());
    }

    /**
     * A libpq connection string for a PostgreSQL instance ({@code psql "..."}): the service host (the
     * name the certificate carries), the address to dial if any, the CA file if configured; never
     * the password. Null for other engines.
     */
    @Nullable
    static String connectionString(@Nullable Path caFile, @Nullable Engine engine, String host,
            @Nullable String hostAddress, int port, String database, String username) {
        if (engine != Engine.POSTGRESQL && engine != Engine.POSTGRESQL_VECTOR) {
            return null;
        }
        StringBuilder out = new StringBuilder("host=").append(libpq(host));
        if (hostAddress != null && !hostAddress.isBlank()) {
            out.append(" hostaddr=").append(libpq(hostAddress));
        }
        out.append(" port=").append(port).append(" dbname=").append(libpq(database)).append(" user=")
                .append(libpq(username)).append(" sslmode=").append(SSL_MODE);
        if (caFile != null) {
            out.append(" sslrootcert=").append(libpq(caFile.toString()));
        }
        return out.toString();
    }

    /** A libpq keyword value: as is when plain, else single-quoted with backslash escapes. */
    static String libpq(String value) {
        if (!value.isEmpty() && value.chars().noneMatch(ch -> ch == ' ' || ch == '\'' || ch == '\\')) {
            return value;
        }
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }
}
