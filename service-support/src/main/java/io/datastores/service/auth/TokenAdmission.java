package io.datastores.service.auth;

import java.text.ParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.SignedJWT;

import io.datastores.kit.auth.Caller;
import io.datastores.kit.auth.Role;
import io.datastores.kit.auth.TokenIssuer;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.jwt.generator.claims.JwtClaimsSetAdapter;
import io.micronaut.security.token.jwt.signature.ReactiveSignatureConfiguration;
import io.micronaut.security.token.jwt.signature.SignatureConfiguration;
import io.micronaut.security.token.jwt.validator.AudienceJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.ExpirationJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.GenericJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.IssuerJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.JsonWebTokenParser;
import io.micronaut.security.token.jwt.validator.NotBeforeJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.ReactiveJsonWebTokenSignatureValidator;
import io.micronaut.security.token.jwt.validator.ReactiveJsonWebTokenValidator;
import io.micronaut.security.token.jwt.validator.SubjectNotNullJwtClaimsValidator;
import reactor.core.publisher.Mono;

/**
 * Admits a bearer token. micronaut-security-jwt decides: the signature (the stack's shared secret,
 * or an identity provider's JWKS), expiry, not-before and audience. An admitted token names the
 * caller: its subject, its roles of ours ({@code roles}: viewer, platform, operator; other roles an
 * identity provider grants are ignored), its organization ({@code dcp.auth.organization-claim},
 * {@code org} by default; only an operator's token may lack one) and an expiry it must have. A
 * refused token is taken apart with the same library's parser, signature validator and claims
 * validators, to tell the caller why. What a caller may do is {@link AuthFilter}'s. Made at start-up,
 * so a service without a key to verify tokens with does not start.
 */
@Context
public class TokenAdmission {

    private final ReactiveJsonWebTokenValidator<JWT, HttpRequest<?>> validator;
    private final JsonWebTokenParser<JWT> parser;
    private final ReactiveJsonWebTokenSignatureValidator<SignedJWT> signatures;
    private final List<GenericJwtClaimsValidator<HttpRequest<?>>> claimsValidators;
    private final String organizationClaim;
    private final String audience;

    TokenAdmission(ReactiveJsonWebTokenValidator<JWT, HttpRequest<?>> validator,
            JsonWebTokenParser<JWT> parser,
            ReactiveJsonWebTokenSignatureValidator<SignedJWT> signatures,
            List<GenericJwtClaimsValidator<HttpRequest<?>>> claimsValidators,
            List<SignatureConfiguration> keys, List<ReactiveSignatureConfiguration<SignedJWT>> remoteKeys,
            @Value("${dcp.auth.organization-claim:" + TokenIssuer.ORGANIZATION_CLAIM + "}")
                    String organizationClaim,
            @Value("${micronaut.security.token.jwt.claims-validators.audience:}") String audience) {
        if (keys.isEmpty() && remoteKeys.isEmpty()) {
            // with no key, micronaut-security-jwt would take an unsigned token as verified
            throw new IllegalStateException("no key to verify tokens with: set dcp.auth.secret-file (a file"
                    + " holding the stack's secret, at least 32 bytes) or an identity provider's JWKS"
                    + " (micronaut.security.token.jwt.signatures.jwks.<name>.url)");
        }
        this.validator = validator;
        this.parser = parser;
        this.signatures = signatures;
        this.claimsValidators = claimsValidators;
        this.organizationClaim = organizationClaim;
        this.audience = audience;
    }

    /** The caller a token names, or why it is refused. */
    public Mono<Admission> admit(String token, HttpRequest<?> request) {
        return Mono.from(validator.validateToken(token, request))
                .map(this::caller)
                .switchIfEmpty(Mono.defer(() -> why(token, request).map(Admission::refused)));
    }

    /** The caller a valid token's claims name, or what they lack. */
    Admission caller(Authentication authentication) {
        Map<String, Object> claims = authentication.getAttributes();
        if (claims.get("exp") == null) {
            return Admission.refused("token without an expiry (exp)");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        authentication.getRoles().forEach(name -> Role.fromClaim(name).ifPresent(roles::add));
        if (roles.isEmpty()) {
            return Admission.refused("token without a role of ours (" + TokenIssuer.ROLES_CLAIM
                    + ": viewer, platform or operator)");
        }
        Object organization = claims.get(organizationClaim);
        if (organization != null && !(organization instanceof String)) {
            return Admission.refused("token whose organization (" + organizationClaim + ") is not a string");
        }
        if (organization == null && !roles.contains(Role.OPERATOR)) {
            return Admission.refused("token without an organization (" + organizationClaim
                    + "); only an operator's token may have none");
        }
        return new Admission(Optional.of(new Caller(authentication.getName(), Set.copyOf(roles),
                (String) organization)), null);
    }

    /** Why the validator refused a token: the first of its checks the token fails. */
    private Mono<String> why(String token, HttpRequest<?> request) {
        Optional<JWT> parsed = parser.parse(token);
        if (parsed.isEmpty()) {
            return Mono.just("malformed token: not a JWT");
        }
        if (!(parsed.get() instanceof SignedJWT signed)) {
            return Mono.just("unsigned token: a token must be signed");
        }
        return Mono.from(signatures.validateSignature(signed)).defaultIfEmpty(false)
                .map(valid -> valid ? refusedClaim(signed, request)
                        : "bad token signature: not signed by a key this service trusts");
    }

    private String refusedClaim(SignedJWT jwt, HttpRequest<?> request) {
        JwtClaimsSetAdapter claims;
        try {
            claims = new JwtClaimsSetAdapter(jwt.getJWTClaimsSet());
        } catch (ParseException e) {
            return "malformed token claims";
        }
        for (GenericJwtClaimsValidator<HttpRequest<?>> check : claimsValidators) {
            if (!check.validate(claims, request)) {
                return reason(check);
            }
        }
        return "token refused";
    }

    private String reason(GenericJwtClaimsValidator<?> check) {
        if (check instanceof ExpirationJwtClaimsValidator) {
            return "token expired";
        }
        if (check instanceof AudienceJwtClaimsValidator) {
            return "token for another audience: its aud must include " + audience;
        }
        if (check instanceof NotBeforeJwtClaimsValidator) {
            return "token not valid yet (nbf)";
        }
        if (check instanceof IssuerJwtClaimsValidator) {
            return "token from an issuer this service does not trust (iss)";
        }
        if (check instanceof SubjectNotNullJwtClaimsValidator) {
            return "token without a subject (sub)";
        }
        return "token claims refused (" + check.getClass().getSimpleName() + ")";
    }

    /** A caller, or the reason its token was refused. */
    public record Admission(Optional<Caller> caller, String refusal) {
        static Admission refused(String why) {
            return new Admission(Optional.empty(), why);
        }
    }
}
