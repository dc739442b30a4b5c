package io.datastores.kit.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TokenIssuerTest {

    static final String SECRET = "a-test-secret-of-at-least-32-bytes-long";
    static final Instant EXPIRES = Instant.parse("2026-11-22T10:00:00Z");
    private final TokenIssuer issuer = new TokenIssuer(SECRET);

    @Nested
    @DisplayName("a token")
    class AToken {

        @Test
        void isAnHs256JwtThatTheSecretVerifies() throws Exception {
            SignedJWT jwt = SignedJWT.parse(issuer.issue("dash", Set.of(Role.VIEWER), "acme", EXPIRES));
            assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
            assertThat(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8)))).isTrue();
            assertThat(jwt.verify(new MACVerifier("another-secret-of-at-least-32-bytes-long"))).isFalse();
        }

        @Test
        void carriesSubjectRolesOrganizationAudienceAndExpiry() throws Exception {
            var claims = SignedJWT.parse(issuer.issue("dash", EnumSet.of(Role.PLATFORM, Role.VIEWER), "acme",
                    EXPIRES)).getJWTClaimsSet();
            assertThat(claims.getSubject()).isEqualTo("dash");
            assertThat(claims.getStringListClaim("roles")).containsExactly("viewer", "platform");
            assertThat(claims.getStringClaim("org")).isEqualTo("acme");
            assertThat(claims.getAudience()).containsExactly("dcp");
            assertThat(claims.getIssuer()).isEqualTo("dcp-stack");
            assertThat(claims.getExpirationTime()).isEqualTo(Date.from(EXPIRES));
        }

        @Test
        void ofAnOperatorNamesNoOrganization() throws Exception {
            var claims = SignedJWT.parse(issuer.issue("ops", Set.of(Role.OPERATOR), null, EXPIRES))
                    .getJWTClaimsSet();
            assertThat(claims.getClaims()).doesNotContainKey("org");
        }
    }

    @Test
    void aScopeIsRequiredUnlessOperator() {
        assertThatThrownBy(() -> issuer.issue("x", Set.of(Role.VIEWER), null, EXPIRES))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> issuer.issue("x", Set.of(), "acme", EXPIRES))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSecretShorterThan256BitsIsRefused() {
        assertThatThrownBy(() -> new TokenIssuer("thirty-one-bytes-is-too-short!!"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256 bits");
        assertThatThrownBy(() -> new TokenIssuer(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rolesAreReadFromTheirClaimNames() {
        assertThat(Role.parse("viewer, PLATFORM")).containsExactlyInAnyOrder(Role.VIEWER, Role.PLATFORM);
        assertThat(Role.fromClaim("offline_access")).isEmpty();
        assertThatThrownBy(() -> Role.parse("admin")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("admin");
    }
}
