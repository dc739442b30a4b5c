package io.datastores.marketplace.secrets;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.micronaut.core.annotation.Nullable;

/**
 * {@code dcp.credential-keys} as a rotation sees it: what has been read of it, and a way to append.
 * The vault reads it from Kafka ({@link CredentialVault}); a test holds it in memory.
 */
public interface KeyLog {

    /**
     * A data key as its record holds it: wrapped by {@code masterKeyId}, for a credential, or for a
     * connection's copy ({@code connection}) of its credential {@code credentialId}'s password.
     */
    record DataKey(String keyId, boolean connection, @Nullable String credentialId, String masterKeyId,
            byte[] wrappedKey) {

        /** The same key wrapped otherwise. */
        public DataKey rewrapped(MasterKeyring.Wrapped w) {
            return new DataKey(keyId, connection, credentialId, w.masterKeyId(), w.wrappedKey());
        }
    }

    /** A record read or written: a data key, or (value null) its tombstone, where it is in the log. */
    record Entry(String keyId, int partition, long offset, @Nullable DataKey value) {
    }

    /** A record to append: a data key, or (value null) a tombstone. */
    record Write(String keyId, @Nullable DataKey value) {
    }

    /**
     * Returns once every record committed before the call has been read.
     *
     * @throws TimeoutException when that takes longer than {@code timeout}
     */
    void catchUp(Duration timeout) throws InterruptedException, TimeoutException;

    /** The latest record of every key read so far that is not a tombstone. */
    Collection<Entry> latest();

    /**
     * The records of {@code keyId} read after {@code offset} of its partition, oldest first (those
     * read while a rotation runs).
     */
    List<Entry> after(String keyId, int partition, long offset);

    /**
     * Appends {@code writes} in one transaction and answers where each landed, in order.
     *
     * @throws RuntimeException when they were not committed (none of them was)
     */
    List<Entry> append(List<Write> writes);
}
