package io.datastores.marketplace.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM envelope encryption. Each secret gets its own random data key; the data key is
 * wrapped (encrypted) by the master key. Ciphertexts are {@code IV (12 bytes) || ciphertext || tag},
 * bound to the credential id as associated data, so a ciphertext moved to another credential does
 * not open.
 */
public final class SecretBox {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey master;
    private final String masterKeyId;

    /** A box under {@code masterKey} (32 bytes). */
    public SecretBox(byte[] masterKey) {
        if (masterKey == null || masterKey.length != 32) {
            throw new IllegalArgumentException("the master key must be 32 bytes (256 bits), base64-encoded");
        }
        this.master = new SecretKeySpec(masterKey, "AES");
        this.masterKeyId = fingerprint(masterKey);
    }

    /** A box from a base64 master key. */
    public static SecretBox fromBase64(String base64) {
        try {
            return new SecretBox(Base64.getDecoder().decode(base64.trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the master key must be 32 bytes (256 bits), base64-encoded", e);
        }
    }

    /** A fresh random master key, base64-encoded (what the dev stack writes to its key file). */
    public static String newMasterKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Which master key this is, without revealing it: the first 8 bytes of its SHA-256, in hex. */
    public String masterKeyId() {
        return masterKeyId;
    }

    /** A secret sealed under a new data key, and that key wrapped by the master key. */
    public record Sealed(byte[] ciphertext, byte[] wrappedKey) {
    }

    public Sealed seal(String secret, String credentialId) {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256, RANDOM);
            SecretKey dataKey = generator.generateKey();
            byte[] ciphertext = encrypt(dataKey, secret.getBytes(StandardCharsets.UTF_8), credentialId);
            byte[] wrapped = encrypt(master, dataKey.getEncoded(), "data-key:" + credentialId);
            return new Sealed(ciphertext, wrapped);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal: " + e.getClass().getSimpleName(), e);
        }
    }

    /** The secret, given its ciphertext and its wrapped data key. */
    public String open(byte[] ciphertext, byte[] wrappedKey, String credentialId) {
        try {
            byte[] dataKey = decrypt(master, wrappedKey, "data-key:" + credentialId);
            try {
                return new String(decrypt(new SecretKeySpec(dataKey, "AES"), ciphertext, credentialId),
                        StandardCharsets.UTF_8);
            } finally {
                Arrays.fill(dataKey, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot open the secret of " + credentialId + ": wrong key or tampered",
                    e);
        }
    }

    private static byte[] encrypt(SecretKey key, byte[] plain, String aad) throws GeneralSecurityException {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
        cipher.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
        byte[] body = cipher.doFinal(plain);
        byte[] out = new byte[IV_BYTES + body.length];
        System.arraycopy(iv, 0, out, 0, IV_BYTES);
        System.arraycopy(body, 0, out, IV_BYTES, body.length);
        return out;
    }

    private static byte[] decrypt(SecretKey key, byte[] sealed, String aad) throws GeneralSecurityException {
        if (sealed == null || sealed.length <= IV_BYTES) {
            throw new GeneralSecurityException("too short");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
        cipher.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
        return cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
    }

    private static String fingerprint(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
