package io.datastores.marketplace.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyringTest {

    /** Written by the previous version (SecretBox at 628db1a): its master key file, a record's key, a secret. */
    static final String LEGACY_MASTER_KEY = "b3rt0A3oFaTl5xPdiG+nry1ba7lT/JnUlGyHsnKzy2A=";
    static final String LEGACY_KEY_ID = "6c7c638127ab1d02";
    static final String LEGACY_CREDENTIAL = "cred-legacy-1";
    static final byte[] LEGACY_WRAPPED = Base64.getDecoder()
            .decode("90+WIenK9yIhHVnZSsIB64AzyI71B2rsoLG4sCJPjvZGZlnv/7yVg+1RZC+LDgpbvIDjQJ/8ekpKU1/T");
    static final byte[] LEGACY_CIPHERTEXT = Base64.getDecoder()
            .decode("X9wMixqFu4OkoUtBecKPNC6qUssyf0vanIZcmofhil1Df/lG4wT2t4kgh/Mo");
    static final String LEGACY_PASSWORD = "p@ss-w0rd from e1";

    @Nested
    @DisplayName("the previous version's single key")
    class Legacy {

        @Test
        void givenLegacyKeyFile_whenRead_thenSameKeyIdAndItsSecretsOpen() {
            MasterKeyring ring = MasterKeyring.parse(LEGACY_MASTER_KEY + "\n");

            assertThat(ring.primaryId()).isEqualTo(LEGACY_KEY_ID);
            assertThat(ring.ids()).containsExactly(LEGACY_KEY_ID);
            byte[] dataKey = ring.unwrap(LEGACY_WRAPPED, LEGACY_CREDENTIAL);
            assertThat(SecretBox.open(LEGACY_CIPHERTEXT, dataKey, LEGACY_CREDENTIAL)).isEqualTo(LEGACY_PASSWORD);
        }

        @Test
        void givenLegacyWrappedKey_whenBoundToAnotherCredential_thenDoesNotOpen() {
            MasterKeyring ring = MasterKeyring.parse(LEGACY_MASTER_KEY);

            assertThatThrownBy(() -> ring.unwrap(LEGACY_WRAPPED, "cred-other"))
                    .isInstanceOf(MasterKeyring.CannotUnwrap.class);
        }

        @Test
        void givenNotAKey_whenParsed_thenRefusedWithoutEchoingIt() {
            assertThatThrownBy(() -> MasterKeyring.parse("not-a-key-s3cret"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("s3cret");
            assertThatThrownBy(() -> MasterKeyring.parse(Base64.getEncoder().encodeToString(new byte[16])))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    @DisplayName("a keyring of several keys")
    class Several {

        @Test
        void givenNewPrimary_whenWrapping_thenNewKeyWrapsAndBothUnwrap() {
            MasterKeyring legacy = MasterKeyring.parse(LEGACY_MASTER_KEY);
            MasterKeyring ring = legacy.withNewPrimary();

            assertThat(ring.ids()).hasSize(2).contains(LEGACY_KEY_ID);
            assertThat(ring.primaryId()).isNotEqualTo(LEGACY_KEY_ID);
            assertThat(ring.others()).containsExactly(LEGACY_KEY_ID);
            SecretBox.Sealed sealed = SecretBox.seal("new secret", "cred-2");
            MasterKeyring.Wrapped w = ring.wrap(sealed.dataKey().clone(), "cred-2");
            assertThat(w.masterKeyId()).isEqualTo(ring.primaryId());
            assertThat(SecretBox.open(sealed.ciphertext(), ring.unwrap(w.wrappedKey(), "cred-2"), "cred-2"))
                    .isEqualTo("new secret");
            assertThat(SecretBox.open(LEGACY_CIPHERTEXT, ring.unwrap(LEGACY_WRAPPED, LEGACY_CREDENTIAL),
                    LEGACY_CREDENTIAL)).isEqualTo(LEGACY_PASSWORD);
        }

        @Test
        void givenPrimaryOnly_whenOldWrappedKey_thenDoesNotOpen() {
            MasterKeyring ring = MasterKeyring.parse(LEGACY_MASTER_KEY).withNewPrimary();
            MasterKeyring retired = ring.primaryOnly();

            assertThat(retired.ids()).containsExactly(ring.primaryId());
            assertThat(retired.others()).isEmpty();
            assertThatThrownBy(() -> retired.unwrap(LEGACY_WRAPPED, LEGACY_CREDENTIAL))
                    .isInstanceOf(MasterKeyring.CannotUnwrap.class);
        }

        @Test
        void givenKeyringFile_whenWrittenAndRead_thenSameKeysOwnerOnly(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("master.key");
            Files.writeString(file, LEGACY_MASTER_KEY, StandardCharsets.UTF_8);
            MasterKeyring ring = MasterKeyring.read(file).withNewPrimary();

            ring.write(file);
            MasterKeyring read = MasterKeyring.read(file);

            assertThat(read.primaryId()).isEqualTo(ring.primaryId());
            assertThat(read.ids()).containsExactlyInAnyOrderElementsOf(ring.ids());
            assertThat(Files.readString(file)).startsWith("{");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(SecretBox.open(LEGACY_CIPHERTEXT, read.unwrap(LEGACY_WRAPPED, LEGACY_CREDENTIAL),
                    LEGACY_CREDENTIAL)).isEqualTo(LEGACY_PASSWORD);
            try (var files = Files.list(dir)) {
                assertThat(files).as("no temporary file left").hasSize(1);
            }
        }
    }
}
