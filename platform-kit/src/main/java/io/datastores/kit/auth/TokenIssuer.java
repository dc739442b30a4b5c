package io.datastores.kit.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Issues the development stack's bearer tokens: standard JWTs (RFC 7519) signed with HS256 over
 * the stack's shared secret ({@code .stack/auth.secret}, at least 256 bits). The claims are
 * {@code sub}, {@code roles} ({@code viewer}, {@code platform}, {@code operator}), {@code org}
 * (the organization; absent for operators, who see all), {@code aud} ({@value #AUDIENCE}),
 * {@code iss} ({@value #ISSUER}) and {@code exp}. Only the tools ({@code ./dcp token}) and tests
 * issue tokens; the services validate them with micronaut-security-jwt, and in production accept
 * an identity provider's tokens (JWKS) with the same claims instead.
 */
public final class TokenIssuer {

    /** The audience every token for the services names; a token for another audience is refused. */
    public static final String AUDIENCE = "dcp";
    /** Who issued the stack's own tokens. */
    public static final String ISSUER = "dcp-stack";
    /** The claim listing the caller's roles (Micronaut Security's default roles claim). */
    public static final String ROLES_CLAIM = "roles";
    /** The claim naming the caller's organization. */
    public static final String ORGANIZATION_CLAIM = "org";

    private final JWSSigner signer;

    /** @param secret the shared secret, at least 32 bytes (HS256 needs a 256-bit key) */
    public TokenIssuer(String secret) {
        byte[] key = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < 32) {
            throw new IllegalArgumentException("the token secret must be at least 256 bits (32 bytes), not "
                    + key.length * 8);
        }
        try {
            this.signer = new MACSigner(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable token secret: " + e.getMessage(), e);
        }
    }

    /** With the secret a file holds (surrounding white space ignored), as the services read it. */
    public static TokenIssuer fromFile(Path secretFile) throws IOException {
        return new TokenIssuer(Files.readString(secretFile).trim());
    }

    /** A token for {@code subject} with {@code roles}, scoped to {@code organization} (null: operators). */
    public String issue(String subject, Set<Role> roles, String organization, Instant expires) {
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("a token needs at least one role");
        }
        if (organization == null && !roles.contains(Role.OPERATOR)) {
            throw new IllegalArgumentException("only an operator token may be without an organization");
        }
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .claim(ROLES_CLAIM, roles.stream().sorted().map(Role::claim).toList())
                .expirationTime(Date.from(expires));
        if (organization != null) {
            claims.claim(ORGANIZATION_CLAIM, organization);
        }
        return sign(claims.build());
    }

    /** Any claims, signed with the secret: for tests that need a token the services must refuse. */
    public String sign(JWTClaimsSet claims) {
        var header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign a token", e);
        }
        return jwt.serialize();
    }
}
