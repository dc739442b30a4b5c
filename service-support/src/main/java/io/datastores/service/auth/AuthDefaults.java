package io.datastores.service.auth;

import java.util.Map;

import io.datastores.kit.auth.TokenIssuer;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.context.ApplicationContextConfigurer;
import io.micronaut.context.env.AbstractPropertySourceLoader;
import io.micronaut.context.env.PropertySource;

/**
 * Every service's Micronaut Security settings, in one place and below each service's own
 * {@code application.yml} (which, like system properties, may override any of them):
 * {@link AuthFilter} authenticates and authorizes every request, so Micronaut Security's own filter
 * and endpoints are off; a token must name the audience {@value TokenIssuer#AUDIENCE}, and one not
 * valid yet ({@code nbf}) is refused. Loaded by every application context through
 * {@code META-INF/services}.
 */
public final class AuthDefaults implements ApplicationContextConfigurer {

    /** The settings, as a service's {@code application.yml} would write them. */
    public static final Map<String, Object> SETTINGS = Map.of(
            "micronaut.security.filter.enabled", false,
            "micronaut.security.endpoints.introspection.enabled", false,
            "micronaut.security.endpoints.keys.enabled", false,
            "micronaut.security.endpoints.login.enabled", false,
            "micronaut.security.endpoints.logout.enabled", false,
            "micronaut.security.token.jwt.claims-validators.audience", TokenIssuer.AUDIENCE,
            "micronaut.security.token.jwt.claims-validators.not-before", true);

    @Override
    public void configure(ApplicationContextBuilder builder) {
        builder.propertySources(PropertySource.of("dcp-auth-defaults", SETTINGS,
                AbstractPropertySourceLoader.DEFAULT_POSITION - 100));
    }
}
