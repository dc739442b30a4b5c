package io.datastores.kit.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Signed bearer tokens: {@code dcp1.<base64url JSON claims>.<base64url HMAC-SHA256>}, the claims
 * being {@code sub}, {@code roles}, {@code org} (absent for operators) and {@code exp} (epoch
 * seconds). Every service verifies them with the shared secret ({@code dcp.auth.secret}).
 */
public final class Tokens {

    private static final String PREFIX = "dcp1.";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final byte[] secret;

    public Tokens(String secret) {
        if (secret == null || secret.length() < 32) {
            throw new IllegalArgumentException("dcp.auth.secret must be at least 32 characters");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    /** A token for {@code subject} with {@code roles}, scoped to {@code organization} (null: operators only). */
    public String issue(String subject, Set<Role> roles, String organization, Instant expires) {
        if (organization == null && !roles.contains(Role.OPERATOR)) {
            throw new IllegalArgumentException("only an operator token may be without an organization");
        }
        ObjectNode claims = JSON.createObjectNode();
        claims.put("sub", subject);
        var array = claims.putArray("roles");
        roles.stream().sorted().forEach(r -> array.add(r.name().toLowerCase(Locale.ROOT)));
        if (organization != null) {
            claims.put("org", organization);
        }
        claims.put("exp", expires.getEpochSecond());
        String body = PREFIX + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        return body + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sign(body));
    }

    /** The caller a token names, or why it is refused (forged, expired, malformed). */
    public Result verify(String token, Instant now) {
        if (token == null || !token.startsWith(PREFIX)) {
            return Result.refused("not a dcp token");
        }
        int dot = token.lastIndexOf('.');
        if (dot <= PREFIX.length()) {
            return Result.refused("malformed token");
        }
        String body = token.substring(0, dot);
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Result.refused("malformed token signature");
        }
        if (!MessageDigest.isEqual(sign(body), signature)) {
            return Result.refused("bad token signature");
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(body.substring(PREFIX.length())));
            if (claims.path("exp").asLong(0) < now.getEpochSecond()) {
                return Result.refused("token expired");
            }
            Set<Role> roles = EnumSet.noneOf(Role.class);
            for (JsonNode r : claims.path("roles")) {
                roles.add(Role.valueOf(r.asText().toUpperCase(Locale.ROOT)));
            }
            String org = claims.hasNonNull("org") ? claims.get("org").asText() : null;
            if (roles.isEmpty() || (org == null && !roles.contains(Role.OPERATOR))) {
                return Result.refused("token without roles or organization");
            }
            return new Result(Optional.of(new Caller(claims.path("sub").asText(""), Set.copyOf(roles), org)), null);
        } catch (Exception e) {
            return Result.refused("malformed token claims");
        }
    }

    /** A verified caller, or the reason the token was refused. */
    public record Result(Optional<Caller> caller, String refusal) {
        static Result refused(String why) {
            return new Result(Optional.empty(), why);
        }
    }

    private byte[] sign(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Roles from names such as {@code viewer,platform}. */
    public static Set<Role> roles(String names) {
        List<Role> out = new ArrayList<>();
        for (String n : names.split(",")) {
            if (!n.isBlank()) {
                out.add(Role.valueOf(n.trim().toUpperCase(Locale.ROOT)));
            }
        }
        return out.isEmpty() ? Set.of() : EnumSet.copyOf(out);
    }
}
