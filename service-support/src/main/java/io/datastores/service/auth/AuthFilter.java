package io.datastores.service.auth;

import java.util.List;
import java.util.Optional;

import io.datastores.kit.auth.Caller;
import io.datastores.service.Problem;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.util.PathMatcher;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.FilterContinuation;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Every HTTP endpoint takes a bearer token, a JWT ({@link TokenAdmission} admits it with
 * micronaut-security-jwt): none or a refused one answers 401 with the reason, a viewer's token on a
 * write answers 403, and so does an organization's token on an operator-only service. Open without
 * a token: {@link #OPEN_PATHS} (probes, scrapers, the dashboard's page, the OpenAPI document and
 * Swagger UI). Controllers check the organization scope with
 * {@link #outsideScope(HttpRequest, String)} and read the caller with {@link #caller(HttpRequest)}.
 */
@ServerFilter("/**")
public class AuthFilter {

    public static final String ATTRIBUTE = "dcp.caller";

    /**
     * What answers without a token (Ant patterns): probes and scrapers, the API's description, and
     * the dashboard's page (it asks for a token itself).
     */
    public static final List<String> OPEN_PATHS = List.of("/health", "/health/**", "/prometheus",
            "/openapi.json", "/dashboard", "/dashboard/**", "/swagger/**", "/swagger-ui", "/swagger-ui/**");

    private final TokenAdmission admission;
    private final boolean operatorOnly;

    /**
     * @param operatorOnly the service's API is for operators only ({@code dcp.auth.operator-only}):
     *     failover-service and backup-service, whose state is per instance across organizations;
     *     what an organization may see of them is in marketplace-service's fleet view
     */
    public AuthFilter(TokenAdmission admission,
            @Value("${dcp.auth.operator-only:false}") boolean operatorOnly) {
        this.admission = admission;
        this.operatorOnly = operatorOnly;
    }

    @RequestFilter
    public Publisher<HttpResponse<?>> authenticate(HttpRequest<?> request,
            FilterContinuation<Publisher<HttpResponse<?>>> chain) {
        if (open(request.getPath())) {
            return chain.proceed();
        }
        String header = request.getHeaders().get("Authorization");
        String token = header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : "";
        if (token.isEmpty()) {
            return Mono.just(unauthorized("a bearer token is required (Authorization: Bearer <token>);"
                    + " ./dcp token prints one"));
        }
        return admission.admit(token, request).flatMap(admitted -> {
            if (admitted.caller().isEmpty()) {
                return Mono.just(unauthorized(admitted.refusal()));
            }
            Caller caller = admitted.caller().get();
            Optional<String> forbidden = forbidden(request.getMethod(), caller, operatorOnly);
            if (forbidden.isPresent()) {
                return Mono.just(HttpResponse.status(HttpStatus.FORBIDDEN)
                        .body(new Problem(forbidden.get())));
            }
            request.setAttribute(ATTRIBUTE, caller);
            return Mono.from(chain.proceed());
        });
    }

    /** Why a caller may not make a request with {@code method} here, if it may not. */
    static Optional<String> forbidden(HttpMethod method, Caller caller, boolean operatorOnly) {
        if (operatorOnly && !caller.operator()) {
            return Optional.of("this service's API is for operators; an organization sees its instances in"
                    + " marketplace-service's fleet view");
        }
        boolean write = method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS;
        if (write && !caller.writes()) {
            return Optional.of("a viewer token cannot change anything; use a platform or operator token");
        }
        return Optional.empty();
    }

    static boolean open(String path) {
        return OPEN_PATHS.stream().anyMatch(pattern -> PathMatcher.ANT.matches(pattern, path));
    }

    private static HttpResponse<?> unauthorized(String reason) {
        return HttpResponse.unauthorized().header("WWW-Authenticate", "Bearer realm=\"dcp\"")
                .body(new Problem(reason));
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
