package io.datastores.dataplane.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;

import io.datastores.kit.seal.SealedBox;

/**
 * Seals secrets for marketplace-service with the public half of its sealing key ({@code seal.pub} in
 * {@code dataplane.seal-dir}), read when first needed: marketplace makes the pair when it first starts.
 */
public final class Sealing {

    private final Path dir;
    private volatile PublicKey key;

    public Sealing(Path dir) {
        this.dir = dir;
    }

    /** The sealed secret and the id of the key it is sealed for. */
    public record Sealed(byte[] bytes, String keyId) {
    }

    public Sealed seal(byte[] secret, byte[] associatedData) {
        PublicKey reader = key();
        return new Sealed(SealedBox.seal(reader, secret, associatedData), SealedBox.keyId(reader));
    }

    private PublicKey key() {
        if (key == null) {
            Path file = dir.resolve(SealedBox.PUBLIC_KEY_FILE);
            if (!Files.exists(file)) {
                throw new IllegalStateException("no sealing key at " + file + ": marketplace-service makes it when it"
                        + " first starts (dcp.marketplace.seal-dir); the admin password is not issued unsealed");
            }
            try {
                key = SealedBox.readPublicKey(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return key;
    }
}
