package io.datastores.service.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.nimbusds.jose.JWSAlgorithm;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.security.token.jwt.signature.SignatureConfiguration;
import io.micronaut.security.token.jwt.signature.secret.SecretSignature;
import io.micronaut.security.token.jwt.signature.secret.SecretSignatureConfiguration;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * The development stack's token key: HS256 over the shared secret in {@code dcp.auth.secret-file}
 * ({@code ./dcp up} writes {@code .stack/auth.secret}; at least 256 bits), the secret
 * {@link io.datastores.kit.auth.TokenIssuer} signs with. Production configures an identity
 * provider's JWKS instead ({@code micronaut.security.token.jwt.signatures.jwks.<name>.url}).
 */
@Factory
public class StackSecret {

    /** The name of the signature configuration the secret makes. */
    public static final String NAME = "dcp-stack";

    @Singleton
    @Named(NAME)
    @Requires(property = "dcp.auth.secret-file")
    SignatureConfiguration stackSecret(@Value("${dcp.auth.secret-file}") String secretFile)
            throws IOException {
        String secret = Files.readString(Path.of(secretFile)).trim();
        if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalStateException("the token secret in " + secretFile + " must be at least 256 bits"
                    + " (32 bytes)");
        }
        var configuration = new SecretSignatureConfiguration(NAME);
        configuration.setSecret(secret);
        configuration.setJwsAlgorithm(JWSAlgorithm.HS256);
        return new SecretSignature(configuration);
    }
}
