package io.datastores.service.auth;

import java.util.Map;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;

/**
 * A controller as the services write them: the organization scope checked, the caller read. (The open
 * {@code /health} is micronaut-management's, as in the services.)
 */
@Controller
public class ScopedController {

    @Get("/orgs/{org}/things")
    HttpResponse<?> read(HttpRequest<?> request, @PathVariable String org) {
        return AuthFilter.outsideScope(request, org).<HttpResponse<?>>map(r -> r)
                .orElseGet(() -> HttpResponse.ok(Map.of("subject", AuthFilter.caller(request).subject())));
    }

    @Post("/orgs/{org}/things")
    HttpResponse<?> write(HttpRequest<?> request, @PathVariable String org) {
        return read(request, org);
    }
}
