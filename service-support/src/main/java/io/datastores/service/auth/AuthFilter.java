package io.datastores.service.auth;

import java.time.Clock;
import java.util.Optional;

import io.datastores.kit.auth.Caller;
import io.datastores.kit.auth.Tokens;
import io.datastores.service.Problem;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Every HTTP endpoint takes a bearer token ({@link Tokens}): none or a bad one answers 401 with the
 * reason, a read-only token on a write answers 403. Open without a token: {@code /health},
 * {@code /prometheus} (for probes and scrapers), the dashboard's static page (it asks for a token
 * itself), the OpenAPI document ({@code /openapi.json}, {@code /swagger/openapi.json}) and Swagger UI
 * ({@code /swagger-ui/}). Controllers check the organization scope with {@link #caller(HttpRequest)}.
 */
@ServerFilter("/**")
public class AuthFilter {

    public static final String ATTRIBUTE = "dcp.caller";

    private final Tokens tokens;
    private final Clock clock;
    private final boolean operatorOnly;

    /**
     * @param operatorOnly the service's API is for operators only ({@code dcp.auth.operator-only}):
     *     failover-service and backup-service, whose state is per instance across organizations;
     *     what an organization may see of them is in marketplace-service's fleet view
     */
    public AuthFilter(@Value("${dcp.auth.secret-file:}") String secretFile, @Value("${dcp.auth.secret:}") String secret,
            Clock clock, @Value("${dcp.auth.operator-only:false}") boolean operatorOnly) throws java.io.IOException {
        this.tokens = new Tokens(secret(secretFile, secret));
        this.clock = clock;
        this.operatorOnly = operatorOnly;
    }

    /** The token secret: from {@code dcp.auth.secret-file} (the dev stack writes one), else {@code dcp.auth.secret}. */
    static String secret(String file, String value) throws java.io.IOException {
        if (file != null && !file.isBlank()) {
            return java.nio.file.Files.readString(java.nio.file.Path.of(file)).trim();
        }
        if (value != null && !value.isBlank()) {
            return value;
        }
        throw new IllegalStateException("no token secret: set dcp.auth.secret-file (a file holding at least 32"
                + " characters) or dcp.auth.secret");
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> authenticate(HttpRequest<?> request) {
        String path = request.getPath();
        if (open(path)) {
            return null;
        }
        String header = request.getHeaders().get("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            return HttpResponse.unauthorized().body(new Problem("a bearer token is required (Authorization: Bearer"
                    + " <token>); ./dcp token prints one"));
        }
        Tokens.Result result = tokens.verify(header.substring("Bearer ".length()).trim(), clock.instant());
        if (result.caller().isEmpty()) {
            return HttpResponse.unauthorized().body(new Problem(result.refusal()));
        }
        Caller caller = result.caller().get();
        if (operatorOnly && !caller.operator()) {
            return HttpResponse.status(HttpStatus.FORBIDDEN).body(new Problem("this service's API is for operators;"
                    + " an organization sees its instances in marketplace-service's fleet view"));
        }
        boolean write = request.getMethod() != HttpMethod.GET && request.getMethod() != HttpMethod.HEAD
                && request.getMethod() != HttpMethod.OPTIONS;
        if (write && !caller.writes()) {
            return HttpResponse.status(HttpStatus.FORBIDDEN).body(new Problem("a viewer token cannot change"
                    + " anything; use a platform or operator token"));
        }
        request.setAttribute(ATTRIBUTE, caller);
        return null;
    }

    static boolean open(String path) {
        return path.equals("/health") || path.startsWith("/health/") || path.equals("/prometheus")
                || path.equals("/dashboard") || path.startsWith("/dashboard/") || path.equals("/openapi.json")
                || path.startsWith("/swagger/") || path.equals("/swagger-ui") || path.startsWith("/swagger-ui/");
    }

    /** The caller the filter admitted. */
    public static Caller caller(HttpRequest<?> request) {
        Optional<Caller> caller = request.getAttribute(ATTRIBUTE, Caller.class);
        return caller.orElseThrow(() -> new IllegalStateException("no caller on an authenticated request"));
    }

    /** 403 for a caller outside the organization, or empty when it may see it. */
    public static Optional<HttpResponse<?>> outsideScope(HttpRequest<?> request, String organizationId) {
        Caller caller = caller(request);
        return caller.sees(organizationId) ? Optional.empty()
                : Optional.of(HttpResponse.status(HttpStatus.FORBIDDEN).body(new Problem(
                        "this token is for organization " + caller.organization() + ", not this instance's")));
    }
}
