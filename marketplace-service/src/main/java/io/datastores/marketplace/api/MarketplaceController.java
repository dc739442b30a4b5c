package io.datastores.marketplace.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.datastores.events.ConnectionRemovalRequested;
import io.datastores.events.ConnectionRequested;
import io.datastores.events.CredentialKind;
import io.datastores.events.ListingRequested;
import io.datastores.events.UnlistingRequested;
import io.datastores.kit.auth.Caller;
import io.datastores.marketplace.domain.ListingView;
import io.datastores.marketplace.domain.MarketplaceState;
import io.datastores.marketplace.secrets.CredentialVault;
import io.datastores.marketplace.topology.MarketplaceTopology;
import io.datastores.service.Problem;
import io.datastores.service.QueryableStores;
import io.datastores.service.auth.AuthFilter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
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
 * its own organization's instances). Each write is appended to {@code dcp.marketplace-commands}; the
 * answer waits up to {@value #WAIT_MILLIS} ms for the decision: 201/200 when done, 422 with the
 * reason when refused, 202 with the request id when still pending.
 *
 * <ul>
 * <li>{@code POST /instances/{id}/credentials} {@code {"kind":"CREATED"|"SUPER_ADMIN","displayName",
 * "environment","username","password"}}; {@code DELETE /instances/{id}/credentials/{credentialId}}</li>
 * <li>{@code POST /instances/{id}/listing}; {@code DELETE /instances/{id}/listing}</li>
 * <li>{@code POST /instances/{id}/connections} {@code {"componentId","environment","credentialId",
 * "database"}}; {@code GET|DELETE /instances/{id}/connections/{connectionId}};
 * {@code GET /instances/{id}/connections/{connectionId}/password} (platform or operator only)</li>
 * <li>{@code GET /instances/{id}/marketplace}: the instance's marketplace view;
 * {@code GET /marketplace?organization=&engine=&page=&size=}: the listed databases and caches</li>
 * </ul>
 */
@Controller
@SerdeImport(ListingView.class)
@SerdeImport(MarketplaceState.Connection.class)
@TokenProtected
public class MarketplaceController {

    static final long WAIT_MILLIS = 5_000;

    private final QueryableStores stores;
    private final CredentialVault vault;

    public MarketplaceController(QueryableStores stores, CredentialVault vault) {
        this.stores = stores;
        this.vault = vault;
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

    /** A connection's parameters: where and how to connect, and as whom; the password is asked for apart. */
    @Serdeable
    public record ConnectionView(String connectionId, String instanceId, String componentId, String environment,
            String credentialId, String serviceHost, int port, boolean tlsRequired, String database, String username,
            boolean active) {
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

    @Post("/instances/{id}/credentials")
    @ApiResponse(responseCode = "201", description = "imported: the credential, never its secret",
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
            String requestId = vault.importCredential(id, credentialId, AuthFilter.caller(request).scope(), kind,
                    text(body.displayName()), text(body.environment()), body.username(),
                    kind == CredentialKind.CREATED ? body.password() : null);
            return awaitDecision(id, requestId, s -> s.credential(credentialId)
                    .<HttpResponse<?>>map(c -> HttpResponse.created(view(c))).orElse(null));
        });
    }

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
            String requestId = vault.deleteCredential(id, credentialId, AuthFilter.caller(request).scope());
            return awaitDecision(id, requestId, s -> s.credential(credentialId)
                    .<HttpResponse<?>>map(c -> HttpResponse.ok(view(c))).orElse(null));
        });
    }

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
            vault.request(id, requestId, new ListingRequested(requestId, id, AuthFilter.caller(request).scope()));
            return awaitDecision(id, requestId, s -> listing(id).<HttpResponse<?>>map(HttpResponse::ok)
                    .orElse(null));
        });
    }

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
            vault.request(id, requestId, new UnlistingRequested(requestId, id, AuthFilter.caller(request).scope()));
            return awaitDecision(id, requestId, s -> listing(id).<HttpResponse<?>>map(HttpResponse::ok)
                    .orElse(null));
        });
    }

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
            vault.request(id, requestId, ConnectionRequested.newBuilder().setRequestId(requestId).setInstanceId(id)
                    .setOrganizationId(AuthFilter.caller(request).scope()).setConnectionId(connectionId)
                    .setComponentId(text(body.componentId())).setEnvironment(text(body.environment()))
                    .setCredentialId(text(body.credentialId())).setDatabase(text(body.database())).build());
            return awaitDecision(id, requestId, s -> s.connection(connectionId)
                    .<HttpResponse<?>>map(c -> HttpResponse.created(view(id, s, c))).orElse(null));
        });
    }

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
            String requestId = UUID.randomUUID().toString();
            vault.request(id, requestId, new ConnectionRemovalRequested(requestId, id,
                    AuthFilter.caller(request).scope(), connectionId));
            return awaitDecision(id, requestId, s -> s.connection(connectionId)
                    .<HttpResponse<?>>map(c -> HttpResponse.ok(view(id, s, c))).orElse(null));
        });
    }

    /** The password of a connection's credential: for platform and operator tokens only, never logged. */
    @Get("/instances/{id}/connections/{connectionId}/password")
    @ApiResponse(responseCode = "200", description = "the password of the connection's credential",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Password.class)))
    @ApiResponse(responseCode = "404", description = "no such instance or connection",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "410", description = "the credential's secret is gone (its key destroyed) or managed by the platform",
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
            Optional<MarketplaceState.Credential> credential = state.credential(c.get().credentialId());
            Optional<String> secret = credential.flatMap(x -> vault.reveal(x.credentialId(), x.encryptedSecret()));
            return secret.<HttpResponse<?>>map(p -> HttpResponse.ok(new Password(connectionId, c.get().username(), p)))
                    .orElseGet(() -> HttpResponse.status(HttpStatus.GONE).body(new Problem("the credential's secret"
                            + " is not available: deleted (its key destroyed) or managed by the platform")));
        });
    }

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
    @ApiResponse(responseCode = "200", description = "a page of listed databases and caches",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Page.class)))
    public HttpResponse<?> marketplace(@Nullable @QueryValue String organization, @Nullable @QueryValue String engine,
            @QueryValue(defaultValue = "false") boolean all, @QueryValue(defaultValue = "0") int page,
            @QueryValue(defaultValue = "50") int size, HttpRequest<?> request) {
        if (page < 0 || size < 1 || size > FleetController.MAX_PAGE_SIZE) {
            return HttpResponse.badRequest(new Problem("page must be >= 0 and size from 1 to "
                    + FleetController.MAX_PAGE_SIZE));
        }
        Caller caller = AuthFilter.caller(request);
        if (!caller.operator() && organization != null && !organization.equals(caller.organization())) {
            return HttpResponse.status(HttpStatus.FORBIDDEN).body(new Problem("this token is for organization "
                    + caller.organization()));
        }
        String org = caller.operator() ? organization : caller.organization();
        Optional<ReadOnlyKeyValueStore<String, ListingView>> store = stores.store(MarketplaceTopology.LISTING_STORE);
        if (store.isEmpty()) {
            return QueryableStores.unavailable(MarketplaceTopology.LISTING_STORE);
        }
        List<ListingView> matching = new ArrayList<>();
        try (KeyValueIterator<String, ListingView> it = store.get().all()) {
            it.forEachRemaining(kv -> {
                ListingView v = kv.value;
                if ((all || (v.listed() && !v.deleted())) && v.organizationId() != null
                        && (org == null || org.equals(v.organizationId()))
                        && (engine == null || engine.equalsIgnoreCase(v.engine()))) {
                    matching.add(v);
                }
            });
        }
        int from = (int) Math.min((long) page * size, matching.size());
        int to = Math.min(from + size, matching.size());
        return HttpResponse.ok(new Page(List.copyOf(matching.subList(from, to)), page, size, matching.size()));
    }

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

    /** Waits for the decider to decide {@code requestId}: its answer, 422 with the reason, or 202. */
    private HttpResponse<?> awaitDecision(String id, String requestId,
            Function<MarketplaceState, HttpResponse<?>> done) {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            Optional<MarketplaceState> state = stores.<MarketplaceState>store(MarketplaceTopology.STORE)
                    .map(s -> s.get(id));
            if (state.isPresent() && state.get().decided(requestId)) {
                Optional<MarketplaceState.Refusal> refusal = state.get().refusal(requestId);
                if (refusal.isPresent()) {
                    return HttpResponse.status(HttpStatus.UNPROCESSABLE_ENTITY).body(new Problem(
                            refusal.get().code() + ": " + refusal.get().reason()));
                }
                HttpResponse<?> answer = done.apply(state.get());
                if (answer != null) {
                    return answer;
                }
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return HttpResponse.accepted().body(new Pending(requestId, "PENDING"));
    }

    private Optional<ListingView> listing(String id) {
        return stores.<ListingView>store(MarketplaceTopology.LISTING_STORE).map(s -> s.get(id));
    }

    private static CredentialView view(MarketplaceState.Credential c) {
        return new CredentialView(c.credentialId(), c.kind().name(), c.displayName(), c.environment(), c.username(),
                c.active());
    }

    private static ConnectionView view(String id, MarketplaceState s, MarketplaceState.Connection c) {
        return new ConnectionView(c.connectionId(), id, c.componentId(), c.environment(), c.credentialId(),
                s.serviceHost(), s.port(), s.tlsRequired(), c.database(), c.username(), c.active());
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }
}
