package io.datastores.kit.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealedBoxTest {

    private static final byte[] PASSWORD = "s3cret-admin-password".getBytes(StandardCharsets.UTF_8);
    private static final byte[] INSTANCE = "inst-1".getBytes(StandardCharsets.UTF_8);
    private static SealedBox.KeyPair marketplace;

    @BeforeAll
    static void keys() {
        marketplace = SealedBox.KeyPair.generate();
    }

    @Nested
    class Sealing {

        @Test
        void theReaderOpensWhatWasSealedForIt() throws Exception {
            byte[] sealed = SealedBox.seal(marketplace.publicKey(), PASSWORD, INSTANCE);

            assertThat(marketplace.open(sealed, INSTANCE)).isEqualTo(PASSWORD);
        }

        @Test
        void theSealedFormHoldsNoPlaintextAndDiffersEachTime() {
            byte[] once = SealedBox.seal(marketplace.publicKey(), PASSWORD, INSTANCE);
            byte[] twice = SealedBox.seal(marketplace.publicKey(), PASSWORD, INSTANCE);

            assertThat(once).isNotEqualTo(twice);
            assertThat(new String(once, StandardCharsets.ISO_8859_1))
                    .doesNotContain(new String(PASSWORD, StandardCharsets.ISO_8859_1));
        }

        @Test
        void anEmptySecretRoundTrips() throws Exception {
            byte[] sealed = SealedBox.seal(marketplace.publicKey(), new byte[0], INSTANCE);

            assertThat(marketplace.open(sealed, INSTANCE)).isEmpty();
        }

        @Test
        void otherAssociatedDataDoesNotOpen() {
            byte[] sealed = SealedBox.seal(marketplace.publicKey(), PASSWORD, INSTANCE);

            byte[] otherInstance = "inst-2".getBytes(StandardCharsets.UTF_8);

            assertThatThrownBy(() -> marketplace.open(sealed, otherInstance))
                    .isInstanceOf(SealedBox.CannotOpen.class)
                    .hasMessageContaining("associated data");
        }

        @Test
        void aTamperedCiphertextDoesNotOpen() {
            byte[] sealed = SealedBox.seal(marketplace.publicKey(), PASSWORD, INSTANCE);
            sealed[sealed.length - 20] ^= 1;

            assertThatThrownBy(() -> marketplace.open(sealed, INSTANCE))
                    .isInstanceOf(SealedBox.CannotOpen.class).hasMessageContaining("altered");
        }

        @Test
        void aTamperedWrappedKeyDoesNotOpen() {
            byte[] sealed = SealedBox.seal(marketplace.publicKey(), PASSWORD, INSTANCE);
            sealed[20] ^= 1;

            assertThatThrownBy(() -> marketplace.open(sealed, INSTANCE))
                    .isInstanceOf(SealedBox.CannotOpen.class);
        }

        @Test
        void aTruncatedBoxDoesNotOpen() {
            byte[] sealed = SealedBox.seal(marketplace.publicKey(), PASSWORD, INSTANCE);
            byte[] cut = java.util.Arrays.copyOf(sealed, 30);

            assertThatThrownBy(() -> marketplace.open(cut, INSTANCE))
                    .isInstanceOf(SealedBox.CannotOpen.class).hasMessageContaining("truncated");
            assertThatThrownBy(() -> marketplace.open(new byte[3], INSTANCE))
                    .isInstanceOf(SealedBox.CannotOpen.class).hasMessageContaining("version");
        }

        @Test
        void anotherKeyPairCannotOpen() {
            SealedBox.KeyPair other = SealedBox.KeyPair.generate();
            byte[] sealed = SealedBox.seal(marketplace.publicKey(), PASSWORD, INSTANCE);

            assertThatThrownBy(() -> other.open(sealed, INSTANCE))
                    .isInstanceOf(SealedBox.CannotOpen.class)
                    .hasMessageContaining(marketplace.keyId()).hasMessageContaining(other.keyId());
        }

        @Test
        void anotherKeyPairCannotOpenEvenWithTheKeyIdForged() {
            SealedBox.KeyPair other = SealedBox.KeyPair.generate();
            byte[] sealed = SealedBox.seal(marketplace.publicKey(), PASSWORD, INSTANCE);
            byte[] forged = SealedBox.seal(other.publicKey(), new byte[0], INSTANCE);
            System.arraycopy(forged, 1, sealed, 1, 8);

            assertThatThrownBy(() -> other.open(sealed, INSTANCE))
                    .isInstanceOf(SealedBox.CannotOpen.class);
        }
    }

    @Nested
    class Keys {

        @Test
        void theKeyIdIsSixteenHexDigitsOfThePublicKey() {
            SealedBox.KeyPair other = SealedBox.KeyPair.generate();

            assertThat(marketplace.keyId()).matches("[0-9a-f]{16}")
                    .isEqualTo(SealedBox.keyId(marketplace.publicKey()))
                    .isNotEqualTo(other.keyId());
            assertThat(marketplace.toString()).contains(marketplace.keyId())
                    .doesNotContain("modulus");
        }

        @Test
        void aKeyPairIsMadeOnceAndKeptInPemFiles(@TempDir Path dir) throws Exception {
            SealedBox.KeyPair made = SealedBox.KeyPair.openOrCreate(dir);
            SealedBox.KeyPair again = SealedBox.KeyPair.openOrCreate(dir);

            assertThat(again.keyId()).isEqualTo(made.keyId());
            Path key = dir.resolve("seal.key");
            Path pub = dir.resolve("seal.pub");
            assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
            assertThat(Files.readString(pub)).startsWith("-----BEGIN PUBLIC KEY-----");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                    .isEqualTo("rw-------");
            byte[] sealed = SealedBox.seal(SealedBox.readPublicKey(pub), PASSWORD, INSTANCE);
            assertThat(again.open(sealed, INSTANCE)).isEqualTo(PASSWORD);
        }

        @Test
        void aLostPublicKeyIsWrittenAgainFromThePrivateKey(@TempDir Path dir) throws Exception {
            SealedBox.KeyPair made = SealedBox.KeyPair.openOrCreate(dir);
            Files.delete(dir.resolve("seal.pub"));

            SealedBox.KeyPair again = SealedBox.KeyPair.openOrCreate(dir);

            assertThat(SealedBox.keyId(SealedBox.readPublicKey(dir.resolve("seal.pub"))))
                    .isEqualTo(made.keyId()).isEqualTo(again.keyId());
        }

        @Test
        void aPublicKeyWithoutItsPrivateKeyIsAnError(@TempDir Path dir) throws Exception {
            SealedBox.KeyPair.openOrCreate(dir);
            Files.delete(dir.resolve("seal.key"));

            assertThatThrownBy(() -> SealedBox.KeyPair.openOrCreate(dir))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("without");
            assertThat(dir.resolve("seal.key")).doesNotExist();
        }

        @Test
        void aPublicKeyNotMatchingThePrivateKeyIsAnError(@TempDir Path dir) throws Exception {
            SealedBox.KeyPair.openOrCreate(dir);
            Path elsewhere = Files.createDirectory(dir.resolve("other"));
            SealedBox.KeyPair.openOrCreate(elsewhere);
            Files.copy(elsewhere.resolve("seal.pub"), dir.resolve("seal.pub"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);

            assertThatThrownBy(() -> SealedBox.KeyPair.openOrCreate(dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("does not match");
        }

        @Test
        void aPemThatIsNoPublicKeyIsRefused() {
            assertThatThrownBy(() -> SealedBox.publicKeyFromPem("hello"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
