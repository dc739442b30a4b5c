package io.datastores.service.api;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.uri.UriMatchVariable;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;

/**
 * {@code GET /openapi.json}: an OpenAPI 3 document generated from the service's live routes (every
 * controller method: its path and path parameters, query parameters, request body type), with the
 * bearer-token scheme every endpoint but {@code /health}, {@code /prometheus} and the dashboard
 * requires. Open without a token, so that tools can read it.
 */
@Controller
public class OpenApiController {

    private final Router router;
    private final String service;

    public OpenApiController(Router router, @Value("${micronaut.application.name:service}") String service) {
        this.router = router;
        this.service = service;
    }

    @Get(value = "/openapi.json", produces = "application/json")
    public HttpResponse<Map<String, Object>> openApi() {
        Map<String, Object> paths = new TreeMap<>();
        List<UriRouteInfo<?, ?>> routes = router.uriRoutes()
                .sorted(Comparator.comparing((UriRouteInfo<?, ?> r) -> r.getUriMatchTemplate().toPathString())
                        .thenComparing(UriRouteInfo::getHttpMethodName))
                .toList();
        for (UriRouteInfo<?, ?> route : routes) {
            String path = route.getUriMatchTemplate().toPathString();
            if (path.startsWith("/openapi")) {
                continue;
            }
            Map<String, Object> operation = new LinkedHashMap<>();
            String target = route.getTargetMethod().getDeclaringType().getSimpleName() + "."
                    + route.getTargetMethod().getMethodName();
            operation.put("operationId", target);
            operation.put("summary", words(route.getTargetMethod().getMethodName()));
            List<Map<String, Object>> parameters = new java.util.ArrayList<>();
            for (UriMatchVariable v : route.getUriMatchTemplate().getVariables()) {
                parameters.add(Map.of("name", v.getName(), "in", v.isQuery() ? "query" : "path",
                        "required", !v.isQuery() && !v.isOptional(), "schema", Map.of("type", "string")));
            }
            for (Argument<?> a : route.getTargetMethod().getArguments()) {
                if (a.getAnnotationMetadata().hasAnnotation(QueryValue.class)
                        && parameters.stream().noneMatch(p -> p.get("name").equals(a.getName()))) {
                    parameters.add(Map.of("name", a.getName(), "in", "query", "required", false,
                            "schema", Map.of("type", schemaType(a.getType()))));
                }
                if (a.getAnnotationMetadata().hasAnnotation(Body.class)) {
                    operation.put("requestBody", Map.of("required", true, "content", Map.of("application/json",
                            Map.of("schema", Map.of("type", "object", "title", a.getType().getSimpleName())))));
                }
            }
            if (!parameters.isEmpty()) {
                operation.put("parameters", parameters);
            }
            operation.put("responses", Map.of(
                    "200", Map.of("description", "done (201 created, 202 still pending)"),
                    "400", Map.of("description", "bad request, with a message"),
                    "401", Map.of("description", "no, forged or expired token"),
                    "403", Map.of("description", "the token's role or organization does not allow it"),
                    "404", Map.of("description", "not found"),
                    "422", Map.of("description", "refused by the domain's rules, with the reason"),
                    "503", Map.of("description", "state is (re)building; retry")));
            boolean open = path.equals("/health") || path.startsWith("/dashboard") || path.equals("/prometheus");
            operation.put("security", open ? List.of() : List.of(Map.of("bearer", List.of())));
            @SuppressWarnings("unchecked")
            Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(path, p -> new TreeMap<>());
            item.put(route.getHttpMethodName().toLowerCase(Locale.ROOT), operation);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.0.3");
        doc.put("info", Map.of("title", service, "version", "0.1.0",
                "description", "Generated from the service's routes. Tokens: ./dcp token --role viewer|platform|operator."));
        doc.put("components", Map.of("securitySchemes", Map.of("bearer", Map.of("type", "http", "scheme", "bearer",
                "bearerFormat", "JWT (sub, roles, org, aud dcp, exp)"))));
        doc.put("paths", paths);
        return HttpResponse.ok(doc);
    }

    private static String schemaType(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "integer";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "boolean";
        }
        return "string";
    }

    private static String words(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }
}
