package io.datastores.marketplace.secrets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Re-wraps every data key under the ring's primary, while others write: imports append new keys,
 * the topology appends tombstones. Each round reads the log to its end, re-wraps the data keys whose
 * latest record is under another key of the ring, appends them (in transactions of {@code batch}),
 * reads to the end again and checks each: when a record of the same key landed between the one
 * re-wrapped and the re-wrap (a tombstone, say: the credential was deleted meanwhile), the re-wrap
 * undid it, so that record's effect is appended again (the tombstone, or its data key re-wrapped).
 * Rounds go on until one finds nothing to re-wrap: then the latest record of every key is under
 * the primary (or a tombstone), which is what allows retiring the other keys.
 *
 * <p>New data keys must already be wrapped by the primary when this runs (the vault switches the
 * primary first, and waits for the seals made before); keys under a master key the ring does not
 * hold cannot be re-wrapped, are counted as foreign, and stay as they are.
 */
public final class KeyRotation {

    /** Rounds before giving up: each only re-wraps what the writes of the previous one missed. */
    static final int MAX_ROUNDS = 20;

    private KeyRotation() {
    }

    /**
     * What was done: data keys re-wrapped, records re-appended after a conflicting write, rounds,
     * data keys under the primary at the end, and under a master key the ring does not hold.
     */
    public record Result(int rewrapped, int repaired, int rounds, int underPrimary, int foreign) {
    }

    /** The rotation could not finish: the other keys of the ring are still needed. */
    public static final class Failed extends RuntimeException {
        private final int rewrapped;

        Failed(String message, int rewrapped, Throwable cause) {
            super(message, cause);
            this.rewrapped = rewrapped;
        }

        /** How many data keys had been re-wrapped (and committed) before it failed. */
        public int rewrapped() {
            return rewrapped;
        }
    }

    /** Re-wraps under {@code ring}'s primary every data key of {@code log} under another key of the ring. */
    public static Result rewrap(MasterKeyring ring, KeyLog log, Duration timeout, int batch) {
        int rewrapped = 0;
        int repaired = 0;
        String primary = ring.primaryId();
        Set<String> others = new HashSet<>(ring.others());
        Set<String> ours = new HashSet<>(); // where our own writes landed: not a write of others
        for (int round = 1; round <= MAX_ROUNDS; round++) {
            catchUp(log, timeout, rewrapped);
            List<KeyLog.Entry> stale = new ArrayList<>();
            int underPrimary = 0;
            int foreign = 0;
            for (KeyLog.Entry e : log.latest()) {
                String id = e.value().masterKeyId();
                if (id.equals(primary)) {
                    underPrimary++;
                } else if (others.contains(id)) {
                    stale.add(e);
                } else {
                    foreign++;
                }
            }
            if (stale.isEmpty()) {
                return new Result(rewrapped, repaired, round, underPrimary, foreign);
            }
            List<KeyLog.Entry[]> checks = new ArrayList<>();
            for (int from = 0; from < stale.size(); from += batch) {
                List<KeyLog.Entry> chunk = stale.subList(from, Math.min(stale.size(), from + batch));
                List<KeyLog.Write> writes = new ArrayList<>(chunk.size());
                for (KeyLog.Entry e : chunk) {
                    writes.add(new KeyLog.Write(e.keyId(), rewrapped(ring, e.value(), rewrapped)));
                }
                List<KeyLog.Entry> landed = append(log, writes, rewrapped);
                landed.forEach(e -> ours.add(where(e)));
                for (int i = 0; i < chunk.size(); i++) {
                    checks.add(new KeyLog.Entry[] {chunk.get(i), landed.get(i)});
                }
                rewrapped += chunk.size();
            }
            // what landed between a re-wrapped record and its re-wrap was undone by it: append it again
            for (int pass = 0; !checks.isEmpty(); pass++) {
                if (pass == MAX_ROUNDS) {
                    throw new Failed(checks.size() + " data keys kept being written while they were re-wrapped;"
                            + " the old key is kept", rewrapped, null);
                }
                catchUp(log, timeout, rewrapped);
                List<KeyLog.Entry> sources = new ArrayList<>();
                List<KeyLog.Write> repairs = new ArrayList<>();
                for (KeyLog.Entry[] pair : checks) {
                    KeyLog.Entry source = pair[0];
                    KeyLog.Entry written = pair[1];
                    KeyLog.Entry between = null;
                    boolean later = false;
                    for (KeyLog.Entry e : log.after(source.keyId(), source.partition(), source.offset())) {
                        if (ours.contains(where(e))) {
                            continue;
                        }
                        if (e.offset() < written.offset()) {
                            between = e;
                        } else if (e.offset() > written.offset()) {
                            later = true;
                        }
                    }
                    if (between != null && !later) {
                        sources.add(between);
                        repairs.add(new KeyLog.Write(between.keyId(), between.value() == null ? null
                                : others.contains(between.value().masterKeyId())
                                        ? rewrapped(ring, between.value(), rewrapped) : between.value()));
                    }
                }
                checks = new ArrayList<>();
                if (!repairs.isEmpty()) {
                    List<KeyLog.Entry> landed = append(log, repairs, rewrapped);
                    landed.forEach(e -> ours.add(where(e)));
                    for (int i = 0; i < repairs.size(); i++) {
                        checks.add(new KeyLog.Entry[] {sources.get(i), landed.get(i)});
                    }
                    repaired += repairs.size();
                }
            }
        }
        throw new Failed("data keys under the old master key kept appearing after " + MAX_ROUNDS
                + " rounds; the old key is kept", rewrapped, null);
    }

    private static String where(KeyLog.Entry e) {
        return e.partition() + "@" + e.offset();
    }

    private static KeyLog.DataKey rewrapped(MasterKeyring ring, KeyLog.DataKey key, int done) {
        byte[] dataKey;
        try {
            dataKey = ring.unwrap(key.wrappedKey(), key.keyId());
        } catch (MasterKeyring.CannotUnwrap e) {
            throw new Failed("the data key of " + key.keyId() + " is said to be wrapped by " + key.masterKeyId()
                    + ", which the keyring holds, but does not open with it (tampered?); the old key is kept",
                    done, e);
        }
        try {
            return key.rewrapped(ring.wrap(dataKey, key.keyId()));
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    private static List<KeyLog.Entry> append(KeyLog log, List<KeyLog.Write> writes, int done) {
        try {
            List<KeyLog.Entry> landed = log.append(writes);
            if (landed.size() != writes.size()) {
                throw new IllegalStateException(landed.size() + " of " + writes.size() + " records landed");
            }
            return landed;
        } catch (RuntimeException e) {
            throw new Failed("re-wrapped data keys could not be written to dcp.credential-keys ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); " + done
                    + " were written before; the old key is kept", done, e);
        }
    }

    private static void catchUp(KeyLog log, Duration timeout, int done) {
        try {
            log.catchUp(timeout);
        } catch (TimeoutException e) {
            throw new Failed("dcp.credential-keys was not read to its end within " + timeout
                    + "; the old key is kept", done, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("interrupted; the old key is kept", done, e);
        }
    }
}
