package io.datastores.marketplace.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.util.SecretBytes;

/**
 * The master keys that wrap the vault's data keys: a Tink keyset (AES-256-GCM keys, one primary).
 * The primary wraps every new data key; every key of the ring unwraps, Tink choosing it by the key
 * id a wrapped key starts with. An immutable value: a rotation makes a new ring.
 *
 * <p>Why Tink, and what became of SecretBox's wrapping: Tink gives the keyset (several keys, one
 * primary, a JSON form to keep on disk) and the AEAD, so no new hand-written crypto is needed. The
 * previous version's single master key, a base64 file, is read as a keyset of one key imported
 * with Tink's {@code NO_PREFIX} variant: Tink's AES-GCM without prefix is exactly SecretBox's layout
 * ({@code IV (12 bytes) || ciphertext || tag (16 bytes)}, the same associated data), so the data
 * keys it wrapped open through Tink as they are, and SecretBox keeps only the data-key layer (the
 * secrets' ciphertexts in the event log never change). New keys use the {@code TINK} variant (a
 * 5-byte key id before the IV). A rotation re-wraps every old data key under the new primary and
 * then drops the old key: the legacy wrapping is migrated, not kept.
 *
 * <p>Each key's id, as the records of {@code dcp.credential-keys} carry it ({@code masterKeyId}), is
 * as before the first 8 bytes of the SHA-256 of the key, in hex: it names a key without revealing
 * it, and an old stack's records keep naming their key.
 *
 * <p>On disk ({@code dcp.marketplace.master-key-file}): either the previous version's base64 key
 * (read, never written) or the keyset in Tink's JSON form, in clear like the file it replaces,
 * readable by its owner only, replaced atomically.
 */
public final class MasterKeyring {

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final String AAD_PREFIX = "data-key:";

    private final KeysetHandle keyset;
    private final Aead aead;
    /** The fingerprint of each key by Tink key id, in keyset order. */
    private final Map<Integer, String> ids;
    private final String primaryId;

    private MasterKeyring(KeysetHandle keyset) {
        try {
            this.keyset = keyset;
            this.aead = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
            Map<Integer, String> byTinkId = new LinkedHashMap<>();
            String primary = null;
            for (int i = 0; i < keyset.size(); i++) {
                KeysetHandle.Entry e = keyset.getAt(i);
                if (!(e.getKey() instanceof AesGcmKey k) || k.getParameters().getKeySizeBytes() != 32) {
                    throw new IllegalArgumentException("the master keyring holds AES-256-GCM keys only; key "
                            + Integer.toUnsignedString(e.getId()) + " is " + e.getKey().getParameters());
                }
                String id = fingerprint(k.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get()));
                byTinkId.put(e.getId(), id);
                if (e.isPrimary()) {
                    primary = id;
                }
            }
            this.ids = Map.copyOf(byTinkId);
            this.primaryId = primary;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a usable master keyring: " + e.getMessage(), e);
        }
    }

    /** The ring of the previous version's single master key (32 bytes). */
    public static MasterKeyring ofLegacyKey(byte[] key) {
        if (key == null || key.length != 32) {
            throw new IllegalArgumentException("the master key must be 32 bytes (256 bits), base64-encoded");
        }
        try {
            AesGcmKey imported = AesGcmKey.builder().setParameters(AesGcmParameters.builder().setKeySizeBytes(32)
                    .setIvSizeBytes(12).setTagSizeBytes(16).setVariant(AesGcmParameters.Variant.NO_PREFIX)
                    .build()).setKeyBytes(SecretBytes.copyFrom(key, InsecureSecretKeyAccess.get()))
                    .setIdRequirement(null).build();
            return new MasterKeyring(KeysetHandle.newBuilder()
                    .addEntry(KeysetHandle.importKey(imported).withRandomId().makePrimary()).build());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a usable master key: " + e.getMessage(), e);
        }
    }

    /** A ring of one new key. */
    public static MasterKeyring generate() {
        try {
            return new MasterKeyring(KeysetHandle.newBuilder().addEntry(KeysetHandle
                    .generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId().makePrimary())
                    .build());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a master key: " + e.getMessage(), e);
        }
    }

    /**
     * The ring {@code text} holds: a Tink JSON keyset, or the previous version's base64 key.
     *
     * @throws IllegalArgumentException when it is neither (no part of the text is in the message)
     */
    public static MasterKeyring parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.startsWith("{")) {
            try {
                return new MasterKeyring(TinkJsonProtoKeysetFormat.parseKeyset(t, InsecureSecretKeyAccess.get()));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("the master keyring is not a Tink JSON keyset", e);
            }
        }
        try {
            return ofLegacyKey(Base64.getDecoder().decode(t));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the master key must be a Tink JSON keyset or 32 bytes (256 bits),"
                    + " base64-encoded");
        }
    }

    /** The ring in {@code file}. */
    public static MasterKeyring read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * Writes the ring to {@code file} in Tink's JSON form, readable by its owner only: written beside
     * it, then moved over it, so a crash leaves the old ring or the new one, never half of one.
     */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".master-keyring-", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: its default permissions
            }
            Files.writeString(tmp, toJson() + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The ring in Tink's JSON form (its secret keys in clear). */
    public String toJson() {
        try {
            return TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The id of the primary key, which wraps new data keys. */
    public String primaryId() {
        return primaryId;
    }

    /** The id of every key of the ring, the primary's included. */
    public List<String> ids() {
        return List.copyOf(ids.values());
    }

    /** The ids of the keys other than the primary: those a rotation retires. */
    public List<String> others() {
        List<String> out = new ArrayList<>(ids.values());
        out.remove(primaryId);
        return out;
    }

    /** Whether the ring holds the key of {@code masterKeyId}. */
    public boolean holds(String masterKeyId) {
        return ids.containsValue(masterKeyId);
    }

    /** This ring and a new key, the new primary; the other keys still unwrap. */
    public MasterKeyring withNewPrimary() {
        try {
            return new MasterKeyring(KeysetHandle.newBuilder(keyset).addEntry(KeysetHandle
                    .generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId().makePrimary())
                    .build());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a master key: " + e.getMessage(), e);
        }
    }

    /** The primary alone: every other key retired. */
    public MasterKeyring primaryOnly() {
        try {
            KeysetHandle.Builder b = KeysetHandle.newBuilder(keyset);
            for (int i = b.size() - 1; i >= 0; i--) {
                if (!b.getAt(i).isPrimary()) {
                    b.deleteAt(i);
                }
            }
            return new MasterKeyring(b.build());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A data key wrapped by the primary, bound to what holds it, and the primary's id. */
    public record Wrapped(String masterKeyId, byte[] wrappedKey) {
    }

    /** {@code dataKey} wrapped by the primary, bound to {@code keyId} (a credential or connection id). */
    public Wrapped wrap(byte[] dataKey, String keyId) {
        try {
            return new Wrapped(primaryId, aead.encrypt(dataKey, aad(keyId)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot wrap the data key of " + keyId, e);
        }
    }

    /**
     * The data key {@code wrapped} holds for {@code keyId}, by whichever key of the ring wrapped it.
     *
     * @throws CannotUnwrap when no key of the ring opens it (retired, foreign, or tampered)
     */
    public byte[] unwrap(byte[] wrapped, String keyId) {
        try {
            return aead.decrypt(wrapped, aad(keyId));
        } catch (GeneralSecurityException e) {
            throw new CannotUnwrap(keyId);
        }
    }

    /** No key of the ring opens a wrapped data key. */
    public static final class CannotUnwrap extends RuntimeException {
        CannotUnwrap(String keyId) {
            super("the data key of " + keyId + " does not open with the master keyring: wrapped by a key it does"
                    + " not hold, or tampered");
        }
    }

    private static byte[] aad(String keyId) {
        return (AAD_PREFIX + keyId).getBytes(StandardCharsets.UTF_8);
    }

    /** Which key this is, without revealing it: the first 8 bytes of its SHA-256, in hex. */
    static String fingerprint(byte[] key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
