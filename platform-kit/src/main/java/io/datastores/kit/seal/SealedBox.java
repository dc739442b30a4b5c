package io.datastores.kit.seal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

import io.datastores.kit.files.AtomicFiles;

/**
 * A secret sealed so that one reader alone can open it: a fresh AES-256-GCM key encrypts the
 * secret, bound to associated data (the instance id, say: a box sealed for one instance does not
 * open as another's), and RSA-OAEP (SHA-256) wraps that key for the reader's public key. JDK crypto
 * only. The sealed form is {@code version (1) | key id (8) | wrapped key length (2) | wrapped key |
 * nonce (12) | ciphertext and tag}; the header is authenticated with the associated data.
 */
public final class SealedBox {

    /** The reader's private key, readable by its owner only. */
    public static final String PRIVATE_KEY_FILE = "seal.key";
    /** The reader's public key, which writers seal with. */
    public static final String PUBLIC_KEY_FILE = "seal.pub";

    private static final byte VERSION = 1;
    private static final int KEY_ID_BYTES = 8;
    private static final int HEADER_BYTES = 1 + KEY_ID_BYTES + 2;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int RSA_BITS = 3072;
    private static final String WRAP = "RSA/ECB/OAEPPadding";
    private static final OAEPParameterSpec OAEP = new OAEPParameterSpec("SHA-256", "MGF1",
            MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
    private static final SecureRandom RANDOM = new SecureRandom();

    private SealedBox() {
    }

    /** {@code secret} sealed for the holder of {@code reader}'s private key. */
    public static byte[] seal(PublicKey reader, byte[] secret, byte[] associatedData) {
        try {
            KeyGenerator aes = KeyGenerator.getInstance("AES");
            aes.init(256, RANDOM);
            SecretKey key = aes.generateKey();
            Cipher wrap = Cipher.getInstance(WRAP);
            wrap.init(Cipher.ENCRYPT_MODE, reader, OAEP, RANDOM);
            byte[] wrapped = wrap.doFinal(key.getEncoded());
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).put(VERSION)
                    .put(keyIdBytes(reader)).putShort((short) wrapped.length);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            gcm.updateAAD(header.array());
            gcm.updateAAD(associatedData);
            byte[] ciphertext = gcm.doFinal(secret);
            int length = HEADER_BYTES + wrapped.length + NONCE_BYTES + ciphertext.length;
            return ByteBuffer.allocate(length).put(header.array()).put(wrapped).put(nonce)
                    .put(ciphertext).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed: " + e.getMessage(), e);
        }
    }

    private static byte[] open(PrivateKey key, PublicKey publicKey, byte[] sealed,
            byte[] associatedData) throws CannotOpen {
        ByteBuffer in = ByteBuffer.wrap(sealed);
        if (sealed.length < HEADER_BYTES || in.get() != VERSION) {
            throw new CannotOpen("not a sealed box of version " + VERSION);
        }
        byte[] keyId = new byte[KEY_ID_BYTES];
        in.get(keyId);
        if (!Arrays.equals(keyId, keyIdBytes(publicKey))) {
            throw new CannotOpen("sealed for key " + HexFormat.of().formatHex(keyId)
                    + ", not for key " + keyId(publicKey));
        }
        int wrappedLength = Short.toUnsignedInt(in.getShort());
        if (in.remaining() < wrappedLength + NONCE_BYTES + TAG_BITS / 8) {
            throw new CannotOpen("the sealed box is truncated");
        }
        byte[] wrapped = new byte[wrappedLength];
        in.get(wrapped);
        byte[] nonce = new byte[NONCE_BYTES];
        in.get(nonce);
        try {
            Cipher unwrap = Cipher.getInstance(WRAP);
            unwrap.init(Cipher.DECRYPT_MODE, key, OAEP);
            SecretKey aes = new SecretKeySpec(unwrap.doFinal(wrapped), "AES");
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, aes, new GCMParameterSpec(TAG_BITS, nonce));
            gcm.updateAAD(sealed, 0, HEADER_BYTES);
            gcm.updateAAD(associatedData);
            return gcm.doFinal(sealed, in.position(), in.remaining());
        } catch (GeneralSecurityException e) {
            throw new CannotOpen("the sealed box does not open: altered, or sealed with other "
                    + "associated data", e);
        }
    }

    /** The key id of {@code key}: the first 16 hex digits of the SHA-256 of its encoding. */
    public static String keyId(PublicKey key) {
        return HexFormat.of().formatHex(keyIdBytes(key));
    }

    /** The public key in a PEM file ({@code -----BEGIN PUBLIC KEY-----}, as {@code seal.pub}). */
    public static PublicKey readPublicKey(Path pemFile) throws IOException {
        return publicKeyFromPem(Files.readString(pemFile, StandardCharsets.US_ASCII));
    }

    /** The public key in PEM text. */
    public static PublicKey publicKeyFromPem(String pem) {
        try {
            return KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Pem.decode("PUBLIC KEY", pem)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an RSA public key: " + e.getMessage(), e);
        }
    }

    private static byte[] keyIdBytes(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return Arrays.copyOf(digest, KEY_ID_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** A sealed box that does not open; the message never holds the secret. */
    public static final class CannotOpen extends GeneralSecurityException {

        private static final long serialVersionUID = 1L;

        CannotOpen(String message) {
            super(message);
        }

        CannotOpen(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The reader's RSA key pair, kept in a directory as {@code seal.key} (PKCS#8 PEM, mode 0600)
     * and {@code seal.pub} (X.509 PEM), made once.
     */
    public record KeyPair(PublicKey publicKey, PrivateKey privateKey) {

        /** A new key pair, kept nowhere. */
        public static KeyPair generate() {
            try {
                KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
                rsa.initialize(RSA_BITS, RANDOM);
                java.security.KeyPair pair = rsa.generateKeyPair();
                return new KeyPair(pair.getPublic(), pair.getPrivate());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("RSA is missing from this JDK", e);
            }
        }

        /**
         * The key pair kept in {@code dir}, made and written there the first time. A lost
         * {@code seal.pub} is written again from {@code seal.key}; a {@code seal.pub} without its
         * {@code seal.key}, or not matching it, is an error (what was sealed for it cannot be
         * opened).
         */
        public static KeyPair openOrCreate(Path dir) throws IOException {
            Path keyFile = dir.resolve(PRIVATE_KEY_FILE);
            Path pubFile = dir.resolve(PUBLIC_KEY_FILE);
            return AtomicFiles.locked(dir.resolve(".seal.lock"), () -> {
                if (!Files.exists(keyFile)) {
                    if (Files.exists(pubFile)) {
                        throw new IllegalStateException(pubFile + " exists without " + keyFile
                                + ": remove it to make a new pair (what was sealed for it is"
                                + " lost)");
                    }
                    KeyPair made = generate();
                    AtomicFiles.writePrivate(keyFile, Pem.encode("PRIVATE KEY",
                            made.privateKey().getEncoded()));
                    writePublic(pubFile, made);
                    return made;
                }
                KeyPair kept = read(keyFile);
                if (!Files.exists(pubFile)) {
                    writePublic(pubFile, kept);
                } else if (!readPublicKey(pubFile).equals(kept.publicKey())) {
                    throw new IllegalStateException(pubFile + " does not match " + keyFile);
                }
                return kept;
            });
        }

        /** This pair's key id (see {@link SealedBox#keyId}). */
        public String keyId() {
            return SealedBox.keyId(publicKey);
        }

        /**
         * The secret in {@code sealed}; {@link CannotOpen} when it was sealed for another key, with
         * other associated data, or altered.
         */
        public byte[] open(byte[] sealed, byte[] associatedData) throws CannotOpen {
            return SealedBox.open(privateKey, publicKey, sealed, associatedData);
        }

        @Override
        public String toString() {
            return "SealedBox.KeyPair[" + keyId() + "]";
        }

        private static KeyPair read(Path keyFile) throws IOException {
            try {
                KeyFactory rsa = KeyFactory.getInstance("RSA");
                String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
                PrivateKey key = rsa.generatePrivate(
                        new PKCS8EncodedKeySpec(Pem.decode("PRIVATE KEY", pem)));
                if (!(key instanceof RSAPrivateCrtKey crt)) {
                    throw new IllegalStateException(keyFile + " holds no RSA CRT private key");
                }
                PublicKey pub = rsa.generatePublic(new RSAPublicKeySpec(crt.getModulus(),
                        crt.getPublicExponent()));
                return new KeyPair(pub, key);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalStateException(keyFile
                        + " is not an RSA private key in PKCS#8 PEM: " + e.getMessage(), e);
            }
        }

        private static void writePublic(Path pubFile, KeyPair pair) throws IOException {
            AtomicFiles.write(pubFile, Pem.encode("PUBLIC KEY", pair.publicKey().getEncoded()));
        }
    }
}
