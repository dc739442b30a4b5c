package io.datastores.service.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import io.datastores.kit.auth.Role;
import io.datastores.kit.auth.TokenIssuer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filter over real HTTP, on an embedded server with a controller shaped as the services' are:
 * tokens signed with the stack's secret, tokens from an identity provider's JWKS, and every way a
 * token is refused, each with its reason.
 */
class AuthFilterTest {

    static final String SECRET = "auth-filter-test-secret-of-more-than-32-bytes";
    static final TokenIssuer ISSUER = new TokenIssuer(SECRET);
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;

    static Instant inAnHour() {
        return Instant.now().plus(Duration.ofHours(1));
    }

    /** Claims as the stack's tokens carry them, for a platform service of acme. */
    static JWTClaimsSet.Builder acme() {
        return new JWTClaimsSet.Builder().subject("billing-api").audience("dcp").issuer("dcp-stack")
                .claim("roles", List.of("platform")).claim("org", "acme").expirationTime(Date.from(inAnHour()));
    }

    static Path secretFile(String secret) throws IOException {
        Path file = Files.createTempFile(dir, "auth", ".secret");
        Files.writeString(file, secret + "\n");
        return file;
    }

    static EmbeddedServer server(Map<String, Object> properties) {
        var all = new java.util.HashMap<String, Object>(properties);
        all.put("micronaut.server.port", -1);
        return ApplicationContext.run(EmbeddedServer.class, all);
    }

    static HttpResponse<String> call(EmbeddedServer server, String method, String path, String token) {
        var request = HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("with the stack's shared secret (HS256)")
    class StackSecret {

        EmbeddedServer server;

        @BeforeAll
        void start() throws IOException {
            server = server(Map.of("dcp.auth.secret-file", secretFile(SECRET).toString()));
        }

        @AfterAll
        void stop() {
            server.close();
        }

        HttpResponse<String> get(String path, String token) {
            return call(server, "GET", path, token);
        }

        String token(Role role, String org) {
            return ISSUER.issue("tests", Set.of(role), org, inAnHour());
        }

        @Test
        void aTokenOfTheOrganizationReadsAndWrites() {
            var read = get("/orgs/acme/things", token(Role.PLATFORM, "acme"));
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).contains("\"subject\":\"tests\"");
            assertThat(call(server, "POST", "/orgs/acme/things", token(Role.PLATFORM, "acme")).statusCode())
                    .isEqualTo(200);
        }

        @Test
        void anOperatorSeesEveryOrganization() {
            assertThat(get("/orgs/anyone/things", token(Role.OPERATOR, null)).statusCode()).isEqualTo(200);
            assertThat(call(server, "POST", "/orgs/anyone/things", token(Role.OPERATOR, null)).statusCode())
                    .isEqualTo(200);
        }

        @Test
        void anotherOrganizationsTokenIsForbidden() {
            var response = get("/orgs/acme/things", token(Role.PLATFORM, "globex"));
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.body()).contains("this token is for organization globex");
        }

        @Test
        void aViewerReadsButCannotWrite() {
            assertThat(get("/orgs/acme/things", token(Role.VIEWER, "acme")).statusCode()).isEqualTo(200);
            var write = call(server, "POST", "/orgs/acme/things", token(Role.VIEWER, "acme"));
            assertThat(write.statusCode()).isEqualTo(403);
            assertThat(write.body()).contains("a viewer token cannot change anything");
        }

        @Test
        void noTokenSaysHowToGetOne() {
            var response = get("/orgs/acme/things", null);
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.body()).contains("a bearer token is required").contains("./dcp token");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("Bearer"));
        }

        @Test
        void openPathsNeedNoToken() {
            var health = get("/health", null);
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        }

        @Test
        void micronautSecuritysOwnEndpointsAreNotServed() {
            for (String path : List.of("/token_info", "/keys", "/login", "/logout", "/oauth/access_token")) {
                assertThat(call(server, "POST", path, token(Role.OPERATOR, null)).statusCode()).as(path)
                        .isEqualTo(404);
                assertThat(get(path, token(Role.OPERATOR, null)).statusCode()).as(path).isEqualTo(404);
            }
        }

        @Test
        void aTokenSignedWithAnotherSecretIsRefused() {
            String forged = new TokenIssuer("another-secret-of-more-than-32-bytes-long").sign(acme().build());
            assertRefused(forged, "bad token signature");
        }

        @Test
        void aTokenWhoseClaimsWereChangedIsRefused() {
            String[] parts = ISSUER.sign(acme().build()).split("\\.");
            String claims = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    acme().claim("roles", List.of("operator")).build().toString().getBytes(StandardCharsets.UTF_8));
            assertRefused(parts[0] + "." + claims + "." + parts[2], "bad token signature");
        }

        @Test
        void anExpiredTokenIsRefused() {
            assertRefused(ISSUER.sign(acme().expirationTime(Date.from(Instant.now().minusSeconds(3600))).build()),
                    "token expired");
        }

        @Test
        void aTokenForAnotherAudienceIsRefused() {
            assertRefused(ISSUER.sign(acme().audience("billing").build()), "token for another audience");
            assertRefused(ISSUER.sign(acme().audience((String) null).build()), "token for another audience");
        }

        @Test
        void aTokenNotValidYetIsRefused() {
            assertRefused(ISSUER.sign(acme().notBeforeTime(Date.from(inAnHour())).build()), "not valid yet");
        }

        @Test
        void anUnsignedTokenIsRefused() {
            assertRefused(new PlainJWT(acme().build()).serialize(), "unsigned token");
        }

        @Test
        void aMalformedTokenIsRefused() {
            assertRefused("garbage", "malformed token");
            assertRefused("dcp1.e30.AAAA", "malformed token");
        }

        @Test
        void aTokenWithoutOurRolesIsRefused() {
            assertRefused(ISSUER.sign(acme().claim("roles", null).build()), "without a role of ours");
            assertRefused(ISSUER.sign(acme().claim("roles", List.of("admin")).build()), "without a role of ours");
        }

        @Test
        void aTokenWithoutAnOrganizationIsRefusedUnlessAnOperators() {
            assertRefused(ISSUER.sign(acme().claim("org", null).build()), "without an organization");
        }

        @Test
        void aTokenWithoutExpiryOrSubjectIsRefused() {
            assertRefused(ISSUER.sign(acme().expirationTime(null).build()), "without an expiry");
            assertRefused(ISSUER.sign(acme().subject(null).build()), "without a subject");
        }

        void assertRefused(String token, String reason) {
            var response = get("/orgs/acme/things", token);
            assertThat(response.statusCode()).as(reason).isEqualTo(401);
            assertThat(response.body()).as(reason).startsWith("{\"error\":\"").contains(reason);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("on an operator-only service")
    class OperatorOnly {

        EmbeddedServer server;

        @BeforeAll
        void start() throws IOException {
            server = server(Map.of("dcp.auth.secret-file", secretFile(SECRET).toString(),
                    "dcp.auth.operator-only", true));
        }

        @AfterAll
        void stop() {
            server.close();
        }

        @Test
        void onlyAnOperatorIsServed() {
            var platform = call(server, "GET", "/orgs/acme/things",
                    ISSUER.issue("tests", Set.of(Role.PLATFORM), "acme", inAnHour()));
            assertThat(platform.statusCode()).isEqualTo(403);
            assertThat(platform.body()).contains("this service's API is for operators");
            assertThat(call(server, "GET", "/orgs/acme/things",
                    ISSUER.issue("tests", Set.of(Role.OPERATOR), null, inAnHour())).statusCode()).isEqualTo(200);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("with an identity provider's JWKS (RS256)")
    class IdentityProvider {

        RSAKey idpKey;
        HttpServer jwks;
        EmbeddedServer server;

        @BeforeAll
        void start() throws Exception {
            idpKey = new RSAKeyGenerator(2048).keyID("idp-1").generate();
            byte[] body = new JWKSet(idpKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            jwks.createContext("/.well-known/jwks.json", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            jwks.start();
            // as an identity provider's tokens often are: the organization and the roles in claims
            // of its own names, with roles of its own beside ours
            server = server(Map.of(
                    "micronaut.security.token.jwt.signatures.jwks.idp.url",
                    "http://127.0.0.1:" + jwks.getAddress().getPort() + "/.well-known/jwks.json",
                    "micronaut.security.token.roles-name", "groups",
                    "dcp.auth.organization-claim", "tenant"));
        }

        @AfterAll
        void stop() {
            server.close();
            jwks.stop(0);
        }

        JWTClaimsSet.Builder claims() {
            return new JWTClaimsSet.Builder().subject("billing-api").audience(List.of("dcp", "other-api"))
                    .issuer("https://idp.example").claim("groups", List.of("platform", "offline_access"))
                    .claim("tenant", "acme").expirationTime(Date.from(inAnHour()));
        }

        String signed(RSAKey key, JWTClaimsSet claims) throws JOSEException {
            var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        }

        @Test
        void aTokenTheProviderSignedIsAccepted() throws Exception {
            var response = call(server, "POST", "/orgs/acme/things", signed(idpKey, claims().build()));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(call(server, "GET", "/orgs/globex/things", signed(idpKey, claims().build())).statusCode())
                    .isEqualTo(403);
        }

        @Test
        void aTokenSignedWithAnotherKeyOfTheSameIdIsRefused() throws Exception {
            RSAKey impostor = new RSAKeyGenerator(2048).keyID("idp-1").generate();
            var response = call(server, "GET", "/orgs/acme/things", signed(impostor, claims().build()));
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.body()).contains("bad token signature");
        }

        @Test
        void theStacksOwnTokensAreNotAcceptedWhereOnlyTheProviderIsTrusted() {
            var response = call(server, "GET", "/orgs/acme/things", ISSUER.issue("tests", Set.of(Role.OPERATOR),
                    null, inAnHour()));
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.body()).contains("bad token signature");
        }

        @Test
        void theProvidersTokenForAnotherAudienceIsRefused() throws Exception {
            var response = call(server, "GET", "/orgs/acme/things",
                    signed(idpKey, claims().audience("other-api").build()));
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.body()).contains("token for another audience");
        }
    }

    @Test
    void aServicesOwnConfigurationOverridesTheDefaults() throws IOException {
        try (var server = (EmbeddedServer) ApplicationContext.builder(Map.of("micronaut.server.port", -1,
                "dcp.auth.secret-file", secretFile(SECRET).toString())).environments("own-audience")
                .run(EmbeddedServer.class)) {
            assertThat(call(server, "GET", "/orgs/acme/things", ISSUER.sign(acme().audience("billing").build()))
                    .statusCode()).isEqualTo(200);
            assertThat(call(server, "GET", "/orgs/acme/things", ISSUER.sign(acme().build())).statusCode())
                    .isEqualTo(401);
        }
    }

    @Test
    void aServiceWithNoKeyToVerifyTokensWithDoesNotStart() {
        assertThatThrownBy(() -> server(Map.of())).hasStackTraceContaining("no key to verify tokens with");
    }

    @Test
    void aSecretShorterThan256BitsIsRefusedAtStart() {
        assertThatThrownBy(() -> server(Map.of("dcp.auth.secret-file", secretFile("too-short").toString())))
                .hasStackTraceContaining("at least 256 bits");
    }
}
