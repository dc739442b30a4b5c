package io.datastores.marketplace.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The data-key layer of the vault's envelope encryption: AES-256-GCM under a random data key per
 * secret. Ciphertexts are {@code IV (12 bytes) || ciphertext || tag}, bound to the credential (or
 * connection) id as associated data, so a ciphertext moved to another credential does not open.
 * These ciphertexts live in the event log and never change; only the wrapping of their data keys
 * does, by the {@link MasterKeyring} (which took over the wrapping this class did until the
 * keyring, in the same layout, so the data keys it wrapped still open).
 */
public final class SecretBox {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretBox() {
    }

    /**
     * A fresh random master key, base64-encoded: what the dev stack and the tests write to the key
     * file (the previous version's form, still read as a keyring of one key).
     */
    public static String newMasterKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** A secret sealed under a new data key, and that data key (to be wrapped, then wiped). */
    public record Sealed(byte[] ciphertext, byte[] dataKey) {
    }

    /** {@code secret} sealed under a new data key, bound to {@code credentialId}. */
    public static Sealed seal(String secret, String credentialId) {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256, RANDOM);
            SecretKey dataKey = generator.generateKey();
            return new Sealed(encrypt(dataKey, secret.getBytes(StandardCharsets.UTF_8), credentialId),
                    dataKey.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal: " + e.getClass().getSimpleName(), e);
        }
    }

    /** The secret, given its ciphertext and its (unwrapped) data key. */
    public static String open(byte[] ciphertext, byte[] dataKey, String credentialId) {
        try {
            return new String(decrypt(new SecretKeySpec(dataKey, "AES"), ciphertext, credentialId),
                    StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot open the secret of " + credentialId + ": wrong key or tampered",
                    e);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
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
}
