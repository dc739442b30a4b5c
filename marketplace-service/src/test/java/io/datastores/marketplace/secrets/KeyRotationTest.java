package io.datastores.marketplace.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The re-wrapping, on a log held in memory, with writes of others injected between its steps. */
class KeyRotationTest {

    private final MasterKeyring old = MasterKeyring.parse(MasterKeyringTest.LEGACY_MASTER_KEY);
    private final MasterKeyring ring = old.withNewPrimary();
    private final MemoryLog log = new MemoryLog();
    private final Map<String, SecretBox.Sealed> secrets = new LinkedHashMap<>();

    /** A log of one partition: every record, the latest per key; hooks run before an append, on a read. */
    static final class MemoryLog implements KeyLog {
        final List<Entry> records = new ArrayList<>();
        final List<Runnable> beforeAppend = new ArrayList<>();
        final List<Runnable> onCatchUp = new ArrayList<>();
        RuntimeException failAppend;
        int appends;

        synchronized Entry write(Write w) {
            Entry e = new Entry(w.keyId(), 0, records.size(), w.value());
            records.add(e);
            return e;
        }

        @Override
        public void catchUp(Duration timeout) {
            if (!onCatchUp.isEmpty()) {
                onCatchUp.remove(0).run();
            }
        }

        @Override
        public synchronized Collection<Entry> latest() {
            Map<String, Entry> latest = new LinkedHashMap<>();
            for (Entry e : records) {
                if (e.value() == null) {
                    latest.remove(e.keyId());
                } else {
                    latest.put(e.keyId(), e);
                }
            }
            return List.copyOf(latest.values());
        }

        @Override
        public synchronized List<Entry> after(String keyId, int partition, long offset) {
            return records.stream().filter(e -> e.keyId().equals(keyId) && e.offset() > offset).toList();
        }

        @Override
        public List<Entry> append(List<Write> writes) {
            appends++;
            if (!beforeAppend.isEmpty()) {
                beforeAppend.remove(0).run();
            }
            if (failAppend != null) {
                throw failAppend;
            }
            return writes.stream().map(this::write).toList();
        }

        Entry latestOf(String keyId) {
            Entry last = null;
            for (Entry e : records) {
                if (e.keyId().equals(keyId)) {
                    last = e;
                }
            }
            return last;
        }
    }

    /** A credential sealed under {@code by}'s primary, its key record written to the log. */
    private KeyLog.Entry imported(String id, MasterKeyring by) {
        SecretBox.Sealed sealed = SecretBox.seal("secret of " + id, id);
        secrets.put(id, sealed);
        MasterKeyring.Wrapped w = by.wrap(sealed.dataKey().clone(), id);
        return log.write(new KeyLog.Write(id, new KeyLog.DataKey(id, false, null, w.masterKeyId(), w.wrappedKey())));
    }

    private void assertOpensUnderPrimaryOnly(String id) {
        KeyLog.Entry e = log.latestOf(id);
        assertThat(e.value()).as(id).isNotNull();
        assertThat(e.value().masterKeyId()).isEqualTo(ring.primaryId());
        byte[] dataKey = ring.primaryOnly().unwrap(e.value().wrappedKey(), id);
        assertThat(SecretBox.open(secrets.get(id).ciphertext(), dataKey, id)).isEqualTo("secret of " + id);
    }

    @Test
    void givenKeysUnderOldKey_whenRewrapped_thenEveryLatestUnderPrimaryAndOpensWithoutOldKey() {
        for (int i = 0; i < 25; i++) {
            imported("cred-" + i, old);
        }
        imported("cred-new", ring);

        KeyRotation.Result r = KeyRotation.rewrap(ring, log, Duration.ofSeconds(1), 10);

        assertThat(r.rewrapped()).isEqualTo(25);
        assertThat(r.underPrimary()).isEqualTo(26);
        assertThat(r.rounds()).isEqualTo(2);
        assertThat(log.appends).as("batches of 10").isEqualTo(3);
        secrets.keySet().forEach(this::assertOpensUnderPrimaryOnly);
    }

    @Test
    void givenConnectionCopy_whenRewrapped_thenStillTheConnectionsRecord() {
        SecretBox.Sealed sealed = SecretBox.seal("copy", "conn-1");
        MasterKeyring.Wrapped w = old.wrap(sealed.dataKey().clone(), "conn-1");
        log.write(new KeyLog.Write("conn-1", new KeyLog.DataKey("conn-1", true, "cred-1", w.masterKeyId(),
                w.wrappedKey())));

        KeyRotation.rewrap(ring, log, Duration.ofSeconds(1), 10);

        KeyLog.DataKey now = log.latestOf("conn-1").value();
        assertThat(now.connection()).isTrue();
        assertThat(now.credentialId()).isEqualTo("cred-1");
        assertThat(SecretBox.open(sealed.ciphertext(), ring.unwrap(now.wrappedKey(), "conn-1"), "conn-1"))
                .isEqualTo("copy");
    }

    @Test
    @DisplayName("a key destroyed between its read and its re-wrap is destroyed again, not resurrected")
    void givenTombstoneWrittenDuringRewrap_whenChecked_thenTombstoneAppendedAgain() {
        imported("cred-kept", old);
        imported("cred-deleted", old);
        log.beforeAppend.add(() -> log.write(new KeyLog.Write("cred-deleted", null)));

        KeyRotation.Result r = KeyRotation.rewrap(ring, log, Duration.ofSeconds(1), 10);

        assertThat(log.latestOf("cred-deleted").value()).as("a tombstone again").isNull();
        assertThat(r.repaired()).isEqualTo(1);
        assertThat(r.underPrimary()).isEqualTo(1);
        assertOpensUnderPrimaryOnly("cred-kept");
    }

    @Test
    @DisplayName("a key an import wrote under the old key while re-wrapping is re-wrapped in the next round")
    void givenImportUnderOldKeyDuringRotation_whenRoundsGoOn_thenItIsRewrappedToo() {
        imported("cred-1", old);
        log.onCatchUp.add(() -> { });
        log.onCatchUp.add(() -> imported("cred-late", old));

        KeyRotation.Result r = KeyRotation.rewrap(ring, log, Duration.ofSeconds(1), 10);

        assertThat(r.rewrapped()).isEqualTo(2);
        assertThat(r.rounds()).isEqualTo(3);
        assertOpensUnderPrimaryOnly("cred-1");
        assertOpensUnderPrimaryOnly("cred-late");
    }

    @Test
    void givenAppendFails_whenRewrapping_thenFailsSayingTheOldKeyIsKept() {
        for (int i = 0; i < 5; i++) {
            imported("cred-" + i, old);
        }
        log.failAppend = new IllegalStateException("broker unreachable");

        assertThatThrownBy(() -> KeyRotation.rewrap(ring, log, Duration.ofSeconds(1), 10))
                .isInstanceOf(KeyRotation.Failed.class).hasMessageContaining("broker unreachable")
                .hasMessageContaining("the old key is kept");
        assertThat(log.latest()).allMatch(e -> e.value().masterKeyId().equals(old.primaryId()));
    }

    @Test
    void givenKeyUnderForeignMasterKey_whenRewrapping_thenCountedAndLeftAlone() {
        imported("cred-1", old);
        imported("cred-foreign", MasterKeyring.generate());

        KeyRotation.Result r = KeyRotation.rewrap(ring, log, Duration.ofSeconds(1), 10);

        assertThat(r.foreign()).isEqualTo(1);
        assertThat(r.rewrapped()).isEqualTo(1);
        assertOpensUnderPrimaryOnly("cred-1");
    }

    @Test
    void givenTamperedKeyUnderOldKey_whenRewrapping_thenFailsAndKeepsOldKey() {
        KeyLog.Entry e = imported("cred-1", old);
        byte[] tampered = e.value().wrappedKey().clone();
        tampered[tampered.length - 1] ^= 1;
        log.write(new KeyLog.Write("cred-1", new KeyLog.DataKey("cred-1", false, null, old.primaryId(), tampered)));

        assertThatThrownBy(() -> KeyRotation.rewrap(ring, log, Duration.ofSeconds(1), 10))
                .isInstanceOf(KeyRotation.Failed.class).hasMessageContaining("cred-1")
                .hasMessageContaining("the old key is kept");
    }
}
