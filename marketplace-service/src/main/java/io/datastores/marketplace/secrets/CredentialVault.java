package io.datastores.marketplace.secrets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.datastores.contract.Topics;
import io.datastores.events.ConnectionDataKey;
import io.datastores.events.CredentialDataKey;
import io.datastores.events.CredentialKeyEnvelope;
import io.datastores.events.EventMetadata;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.service.PlatformBeans.PreparedPlatform;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/**
 * Where secrets enter and leave. A password is sealed at once under a new data key made for what
 * holds it: a credential, or a connection's own copy of its credential's password (so deleting the
 * credential leaves existing connections working). The HTTP API sends the ciphertext with its
 * request and the wrapped data key to {@code dcp.credential-keys} in the same transaction (through
 * the command gateway); when a decision ends the secret, the topology writes the key's tombstone,
 * compaction removes it from the log within about a minute, and no replay can open the secret
 * again. Keys are read back from the topic into memory.
 *
 * <p>Data keys are wrapped by the primary of the master keyring ({@link MasterKeyring}), from
 * {@code dcp.marketplace.master-key-file} (a Tink JSON keyset, or the previous version's base64
 * key; the dev stack writes one in its directory) or {@code dcp.marketplace.master-key} (a base64
 * key, which cannot be rotated).
 *
 * <p>{@link #rotate()} replaces the master key without stopping reads or imports: it adds a new
 * primary and persists the ring (both keys: a restart in between opens everything), waits for the
 * secrets sealed under the old key just before to be written, re-wraps every data key under the new
 * primary ({@link KeyRotation}, appending to {@code dcp.credential-keys}, the one writer besides
 * the HTTP API and the topology's tombstones), and once the latest record of every key is under the
 * new primary, retires the old key from the ring and the file. A failure keeps the old key in both,
 * and a second call resumes (it re-wraps under the primary already there).
 */
@Singleton
public class CredentialVault implements AutoCloseable, KeyLog {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialVault.class);
    /** How long a rotation waits to read the log to its end, and for in-flight seals under the old key. */
    static final Duration ROTATION_WAIT = Duration.ofSeconds(30);
    /** A seal not written (nor dropped) after this long is taken as abandoned. */
    static final Duration IN_FLIGHT_LIMIT = Duration.ofMinutes(2);
    /** Re-wrapped data keys per transaction. */
    static final int BATCH = 500;

    private final @Nullable Path keyFile;
    private volatile MasterKeyring keyring;
    private volatile @Nullable FileTime keyFileTime;
    private final ContractSerdes serdes;
    /** What reveals open: the keys read back from the topic, and those remembered on their way. */
    private final Map<String, Held> wrappedKeys = new ConcurrentHashMap<>();
    /** The latest committed record of each key, where it is. */
    private final Map<String, Entry> committed = new ConcurrentHashMap<>();
    /** The records read while a rotation runs, by key; null otherwise. */
    private volatile @Nullable Map<String, List<Entry>> journal;
    /** Seals whose record is not read back yet (nor dropped): the key id's master key, and since when. */
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    /** Held for reading while a seal picks the primary; for writing while a rotation changes it. */
    private final ReentrantReadWriteLock sealing = new ReentrantReadWriteLock();
    private final ReentrantLock rotating = new ReentrantLock();
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> loadedAt;
    private final List<TopicPartition> partitions;
    private final Object progress = new Object();
    private volatile boolean loaded;
    private volatile @Nullable Rotation lastRotation;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final KafkaConsumer<String, byte[]> keyReader;
    private @Nullable KafkaConsumer<String, byte[]> offsets;
    private @Nullable KafkaProducer<String, byte[]> writer;
    private final Thread reader;
    private final String bootstrap;

    private record Held(String masterKeyId, byte[] wrapped) {
    }

    private record InFlight(String masterKeyId, byte[] wrapped, Instant since) {
    }

    public CredentialVault(@Value("${dcp.marketplace.master-key-file:}") String keyFile,
            @Value("${dcp.marketplace.master-key:}") String key, PreparedPlatform platform, ContractSerdes serdes)
            throws IOException {
        if (keyFile != null && !keyFile.isBlank()) {
            this.keyFile = Path.of(keyFile).toAbsolutePath();
            this.keyFileTime = Files.getLastModifiedTime(this.keyFile);
            this.keyring = MasterKeyring.read(this.keyFile);
        } else if (key != null && !key.isBlank()) {
            this.keyFile = null;
            this.keyring = MasterKeyring.parse(key);
        } else {
            throw new IllegalStateException("no master key: set dcp.marketplace.master-key-file (a keyring file, or"
                    + " a base64 256-bit key) or dcp.marketplace.master-key");
        }
        LOG.info("master keyring: primary {}, keys {}", keyring.primaryId(), keyring.ids());
        this.serdes = serdes;
        this.bootstrap = platform.bootstrapServers();
        this.keyReader = new KafkaConsumer<>(consumerSettings(), new StringDeserializer(),
                new ByteArrayDeserializer());
        this.partitions = keyReader.partitionsFor(Topics.CREDENTIAL_KEYS.name(), Duration.ofSeconds(30))
                .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        keyReader.assign(partitions);
        keyReader.seekToBeginning(partitions);
        this.loadedAt = Map.copyOf(keyReader.endOffsets(partitions));
        this.loaded = loadedAt.values().stream().allMatch(o -> o == 0);
        this.reader = new Thread(this::readKeys, "credential-keys-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private Map<String, Object> consumerSettings() {
        return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    }

    /**
     * A secret sealed for {@code keyId}: the ciphertext its request carries, and its data key wrapped
     * by the master key {@code masterKeyId} as {@code dcp.credential-keys} holds it (the record
     * {@code key}).
     */
    public record Sealed(String keyId, ByteBuffer ciphertext, SpecificRecord key, String masterKeyId,
            byte[] wrappedKey) {
    }

    /** The secret of a credential's, or a connection's copy's, data key is not in memory. */
    public static final class KeyUnavailable extends RuntimeException {
        KeyUnavailable(String keyId) {
            super("the data key of " + keyId + " is not available: still loading, or just destroyed; retry");
        }
    }

    /** {@code password} sealed under a new data key of the credential {@code credentialId}. */
    public Sealed sealCredential(String credentialId, String password) {
        return seal(credentialId, password, w -> new CredentialDataKey(credentialId, w.masterKeyId(),
                ByteBuffer.wrap(w.wrappedKey())));
    }

    /**
     * The connection's own copy of its credential's password, under a new data key of the
     * connection's; empty when the credential holds no password (the platform manages it, or it is
     * deleted).
     *
     * @throws KeyUnavailable when the credential holds one whose key is not in memory
     */
    public Optional<Sealed> copyFor(String connectionId, String credentialId, byte[] credentialCiphertext) {
        if (credentialCiphertext == null) {
            return Optional.empty();
        }
        String password = reveal(credentialId, credentialCiphertext)
                .orElseThrow(() -> new KeyUnavailable(credentialId));
        return Optional.of(seal(connectionId, password, w -> new ConnectionDataKey(connectionId, credentialId,
                w.masterKeyId(), ByteBuffer.wrap(w.wrappedKey()))));
    }

    private Sealed seal(String keyId, String secret,
            java.util.function.Function<MasterKeyring.Wrapped, SpecificRecord> record) {
        SecretBox.Sealed sealed = SecretBox.seal(secret, keyId);
        sealing.readLock().lock();
        try {
            MasterKeyring.Wrapped w = keyring.wrap(sealed.dataKey(), keyId);
            inFlight.put(keyId, new InFlight(w.masterKeyId(), w.wrappedKey(), Instant.now()));
            return new Sealed(keyId, ByteBuffer.wrap(sealed.ciphertext()), record.apply(w), w.masterKeyId(),
                    w.wrappedKey());
        } finally {
            sealing.readLock().unlock();
            java.util.Arrays.fill(sealed.dataKey(), (byte) 0);
        }
    }

    /** Keeps the key in memory at once (its record is on its way), so its secret opens before it is read back. */
    public void remember(Sealed sealed) {
        wrappedKeys.put(sealed.keyId(), new Held(sealed.masterKeyId(), sealed.wrappedKey()));
    }

    /** Drops a key whose record was not appended after all. */
    public void forget(Sealed sealed) {
        wrappedKeys.computeIfPresent(sealed.keyId(), (k, h) -> h.wrapped() == sealed.wrappedKey() ? null : h);
        inFlight.computeIfPresent(sealed.keyId(), (k, f) -> f.wrapped() == sealed.wrappedKey() ? null : f);
    }

    /** The secret sealed for {@code keyId}, while its data key exists. */
    public Optional<String> reveal(String keyId, byte[] ciphertext) {
        Held held = wrappedKeys.get(keyId);
        if (held == null || ciphertext == null) {
            return Optional.empty();
        }
        byte[] dataKey;
        try {
            dataKey = keyring.unwrap(held.wrapped(), keyId);
        } catch (MasterKeyring.CannotUnwrap e) {
            if (!reloadKeyring()) {
                throw new IllegalStateException(e.getMessage() + " (master key " + held.masterKeyId() + ")", e);
            }
            dataKey = keyring.unwrap(held.wrapped(), keyId);
        }
        return Optional.of(SecretBox.open(ciphertext, dataKey, keyId));
    }

    /** Reads the keyring file again if it changed (another instance rotated it); whether it did. */
    private boolean reloadKeyring() {
        if (keyFile == null || rotating.isLocked()) {
            return false;
        }
        try {
            FileTime modified = Files.getLastModifiedTime(keyFile);
            if (modified.equals(keyFileTime)) {
                return false;
            }
            MasterKeyring read = MasterKeyring.read(keyFile);
            sealing.writeLock().lock();
            try {
                keyring = read;
                keyFileTime = modified;
            } finally {
                sealing.writeLock().unlock();
            }
            LOG.info("master keyring read again: primary {}, keys {}", read.primaryId(), read.ids());
            return true;
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("the master keyring file cannot be read again: {}", e.getMessage());
            return false;
        }
    }

    // --- rotation ---

    /** A rotation cannot start now: the reason says why; retry later or fix the setting. */
    public static final class RotationRefused extends RuntimeException {
        private final boolean retryable;

        RotationRefused(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        /** Whether it may succeed later as is (still loading), rather than never (no key file) or not now. */
        public boolean retryable() {
            return retryable;
        }
    }

    /**
     * A finished, or failed, rotation: the new primary, the keys retired (none when it failed), data
     * keys re-wrapped, records re-appended after a concurrent write, data keys left under a retired
     * key (0, or it did not retire), whether it resumed an unfinished one, how long it took.
     */
    public record Rotation(String newKeyId, List<String> retiredKeyIds, boolean retired, int rewrapped,
            int repaired, int leftUnderOldKeys, int dataKeys, int foreign, int rounds, boolean resumed,
            long millis, @Nullable String error) {
    }

    /**
     * Rotates the master key: a new primary, every data key re-wrapped under it, the other keys
     * retired; or, when an earlier rotation did not finish (the ring holds other keys), finishes it.
     *
     * @throws RotationRefused when it cannot start (still loading, running already, no key file)
     * @return the rotation; {@link Rotation#retired()} false, with the error, when it failed
     */
    public Rotation rotate() {
        if (keyFile == null) {
            throw new RotationRefused("the master key is set inline (dcp.marketplace.master-key), so a rotated"
                    + " keyring could not be kept; use dcp.marketplace.master-key-file", false);
        }
        if (!loaded) {
            throw new RotationRefused("the vault is still loading data keys from dcp.credential-keys; retry"
                    + " shortly", true);
        }
        if (!rotating.tryLock()) {
            throw new RotationRefused("a rotation is running already", false);
        }
        long start = System.nanoTime();
        MasterKeyring before = keyring;
        boolean resumed = !before.others().isEmpty();
        MasterKeyring next = resumed ? before : before.withNewPrimary();
        List<String> retiring = next.others();
        int rewrapped = 0;
        try {
            if (!resumed) {
                next.write(keyFile);
                keyFileTime = Files.getLastModifiedTime(keyFile);
            }
            journal = new ConcurrentHashMap<>();
            sealing.writeLock().lock();
            try {
                keyring = next;
            } finally {
                sealing.writeLock().unlock();
            }
            LOG.info("master key rotation: new primary {}, retiring {}{}", next.primaryId(), retiring,
                    resumed ? " (resumed)" : "");
            awaitSealsUnder(new HashSet<>(retiring));
            KeyRotation.Result r = KeyRotation.rewrap(next, this, ROTATION_WAIT, BATCH);
            rewrapped = r.rewrapped();
            MasterKeyring after = next.primaryOnly();
            after.write(keyFile);
            keyFileTime = Files.getLastModifiedTime(keyFile);
            sealing.writeLock().lock();
            try {
                keyring = after;
            } finally {
                sealing.writeLock().unlock();
            }
            Rotation done = new Rotation(next.primaryId(), retiring, true, r.rewrapped(), r.repaired(), 0,
                    r.underPrimary(), r.foreign(), r.rounds(), resumed, millisSince(start), null);
            LOG.info("master key rotation done: {}", done);
            lastRotation = done;
            return done;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(next, retiring, rewrapped, resumed, start, "interrupted; the old key is kept");
        } catch (IOException | RuntimeException e) {
            int done = e instanceof KeyRotation.Failed f ? f.rewrapped() : rewrapped;
            String error = e instanceof IOException ? "the keyring file could not be written (" + e.getMessage()
                    + "); the old key is kept" : e instanceof KeyRotation.Failed ? e.getMessage()
                    : e.getClass().getSimpleName() + ": " + e.getMessage() + "; the old key is kept";
            return failed(next, retiring, done, resumed, start, error);
        } finally {
            journal = null;
            rotating.unlock();
        }
    }

    private Rotation failed(MasterKeyring next, List<String> retiring, int rewrapped, boolean resumed, long start,
            String error) {
        Rotation failed = new Rotation(next.primaryId(), List.of(), false, rewrapped, 0, stillUnder(retiring),
                committed.size(), 0, 0, resumed, millisSince(start), error);
        LOG.warn("master key rotation failed: {}", failed);
        lastRotation = failed;
        return failed;
    }

    /** Waits until no seal under {@code keys} is on its way to the log. */
    private void awaitSealsUnder(Set<String> keys) throws InterruptedException {
        long deadline = System.nanoTime() + ROTATION_WAIT.toNanos();
        while (true) {
            Instant abandoned = Instant.now().minus(IN_FLIGHT_LIMIT);
            inFlight.entrySet().removeIf(e -> {
                if (e.getValue().since().isBefore(abandoned)) {
                    LOG.warn("the data key sealed for {} at {} was never written: taken as abandoned", e.getKey(),
                            e.getValue().since());
                    return true;
                }
                return false;
            });
            long waiting = inFlight.values().stream().filter(f -> keys.contains(f.masterKeyId())).count();
            if (waiting == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(waiting + " secrets sealed under the old key are still being"
                        + " written; the old key is kept; retry");
            }
            synchronized (progress) {
                progress.wait(100);
            }
        }
    }

    private int stillUnder(List<String> keys) {
        return (int) committed.values().stream().filter(e -> keys.contains(e.value().masterKeyId())).count();
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** The keyring and the data keys each master key wraps (the latest record of each key). */
    public record Status(String primaryKeyId, List<KeyCount> keys, int dataKeys, int foreign, boolean loading,
            boolean rotating, boolean rotatable, @Nullable Rotation lastRotation) {
    }

    /** One master key of the ring: its id, whether it is the primary, the data keys it wraps. */
    public record KeyCount(String keyId, boolean primary, int dataKeys) {
    }

    /** The keyring now: key ids and what each wraps. */
    public Status status() {
        MasterKeyring ring = keyring;
        Map<String, Integer> counts = new HashMap<>();
        committed.values().forEach(e -> counts.merge(e.value().masterKeyId(), 1, Integer::sum));
        List<KeyCount> keys = new ArrayList<>();
        int foreign = 0;
        for (String id : ring.ids()) {
            keys.add(new KeyCount(id, id.equals(ring.primaryId()), counts.getOrDefault(id, 0)));
        }
        for (Map.Entry<String, Integer> c : counts.entrySet()) {
            if (!ring.holds(c.getKey())) {
                foreign += c.getValue();
            }
        }
        return new Status(ring.primaryId(), keys, committed.size(), foreign, !loaded, rotating.isLocked(),
                keyFile != null, lastRotation);
    }

    // --- the log, as a rotation sees it ---

    @Override
    public void catchUp(Duration timeout) throws InterruptedException, TimeoutException {
        Map<TopicPartition, Long> ends;
        synchronized (this) {
            if (offsets == null) {
                offsets = new KafkaConsumer<>(consumerSettings(), new StringDeserializer(),
                        new ByteArrayDeserializer());
            }
            ends = offsets.endOffsets(partitions, timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(ends)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("dcp.credential-keys not read to " + ends + " (read to " + positions
                        + ")");
            }
            synchronized (progress) {
                if (!reached(ends)) {
                    progress.wait(Math.max(1, Math.min(left / 1_000_000, 200)));
                }
            }
        }
    }

    private boolean reached(Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    @Override
    public Collection<Entry> latest() {
        return List.copyOf(committed.values());
    }

    @Override
    public List<Entry> after(String keyId, int partition, long offset) {
        Map<String, List<Entry>> j = journal;
        if (j == null) {
            return List.of();
        }
        return j.getOrDefault(keyId, List.of()).stream().filter(e -> e.partition() == partition
                && e.offset() > offset).toList();
    }

    @Override
    public synchronized List<Entry> append(List<Write> writes) {
        if (writer == null) {
            writer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "marketplace-service-vault-" + UUID.randomUUID(),
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(),
                    new ByteArraySerializer());
            writer.initTransactions();
        }
        String rotationId = UUID.randomUUID().toString();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try {
            writer.beginTransaction();
            for (Write w : writes) {
                sent.add(writer.send(new ProducerRecord<>(Topics.CREDENTIAL_KEYS.name(), w.keyId(),
                        w.value() == null ? null : bytes(w.value(), rotationId))));
            }
            writer.commitTransaction();
            List<Entry> landed = new ArrayList<>(writes.size());
            for (int i = 0; i < writes.size(); i++) {
                RecordMetadata m = sent.get(i).get();
                landed.add(new Entry(writes.get(i).keyId(), m.partition(), m.offset(), writes.get(i).value()));
            }
            return landed;
        } catch (KafkaException | java.util.concurrent.ExecutionException e) {
            try {
                writer.abortTransaction();
            } catch (KafkaException fatal) {
                writer.close(Duration.ZERO);
                writer = null;
            }
            throw new IllegalStateException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private byte[] bytes(DataKey key, String correlationId) {
        SpecificRecord payload = key.connection()
                ? new ConnectionDataKey(key.keyId(), key.credentialId(), key.masterKeyId(),
                        ByteBuffer.wrap(key.wrappedKey()))
                : new CredentialDataKey(key.keyId(), key.masterKeyId(), ByteBuffer.wrap(key.wrappedKey()));
        CredentialKeyEnvelope envelope = new CredentialKeyEnvelope(new EventMetadata(UUID.randomUUID().toString(),
                correlationId, null, Instant.now(), Topics.CREDENTIAL_KEYS.writer()), payload);
        return serdes.value(Topics.CREDENTIAL_KEYS).serializer().serialize(Topics.CREDENTIAL_KEYS.name(),
                envelope);
    }

    private Optional<DataKey> dataKeyOf(String keyId, byte[] record) {
        CredentialKeyEnvelope e = serdes.value(Topics.CREDENTIAL_KEYS).deserializer()
                .deserialize(Topics.CREDENTIAL_KEYS.name(), record);
        if (e.getPayload() instanceof CredentialDataKey k) {
            return Optional.of(new DataKey(keyId, false, k.getCredentialId(), k.getMasterKeyId(),
                    bytes(k.getWrappedKey())));
        } else if (e.getPayload() instanceof ConnectionDataKey k) {
            return Optional.of(new DataKey(keyId, true, k.getCredentialId(), k.getMasterKeyId(),
                    bytes(k.getWrappedKey())));
        }
        return Optional.empty();
    }

    private static byte[] bytes(ByteBuffer key) {
        ByteBuffer b = key.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private void read(ConsumerRecord<String, byte[]> r, KafkaProducer<String, byte[]> dlq) {
        DataKey key = null;
        if (r.value() != null) {
            try {
                key = dataKeyOf(r.key(), r.value()).orElse(null);
            } catch (RuntimeException e) {
                LOG.warn("undecodable key record {}-{}@{} dead-lettered: {}", r.topic(), r.partition(),
                        r.offset(), e.getClass().getSimpleName());
                ProducerRecord<String, byte[]> dead = new ProducerRecord<>(
                        Topics.CREDENTIAL_KEYS.deadLetterTopic(), r.key(), r.value());
                dead.headers().add(DeadLetters.CAUSE, "UNDECODABLE".getBytes(StandardCharsets.UTF_8));
                dead.headers().add(DeadLetters.SERVICE, "marketplace-service".getBytes(StandardCharsets.UTF_8));
                dlq.send(dead);
                return;
            }
            if (key == null) {
                return;
            }
        }
        Entry entry = new Entry(r.key(), r.partition(), r.offset(), key);
        Map<String, List<Entry>> j = journal;
        if (j != null) {
            j.computeIfAbsent(r.key(), k -> new CopyOnWriteArrayList<>()).add(entry);
        }
        if (key == null) {
            wrappedKeys.remove(r.key());
            committed.remove(r.key());
        } else {
            wrappedKeys.put(r.key(), new Held(key.masterKeyId(), key.wrappedKey()));
            committed.put(r.key(), entry);
        }
        inFlight.remove(r.key());
    }

    private void readKeys() {
        try (KafkaProducer<String, byte[]> dlq = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(),
                new ByteArraySerializer())) {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : keyReader.poll(Duration.ofMillis(500))) {
                    read(r, dlq);
                }
                Map<TopicPartition, Long> now = new LinkedHashMap<>();
                for (TopicPartition tp : partitions) {
                    now.put(tp, keyReader.position(tp));
                }
                positions.putAll(now);
                if (!loaded && reached(loadedAt)) {
                    loaded = true;
                    LOG.info("{} data keys loaded from {}", committed.size(), Topics.CREDENTIAL_KEYS.name());
                }
                synchronized (progress) {
                    progress.notifyAll();
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            keyReader.close();
        }
    }

    /** Whether every data key that was in the log at start-up has been read. */
    public boolean loaded() {
        return loaded;
    }

    @Override
    @PreDestroy
    public void close() {
        running.set(false);
        keyReader.wakeup();
        synchronized (this) {
            if (offsets != null) {
                offsets.close(Duration.ofSeconds(1));
                offsets = null;
            }
            if (writer != null) {
                writer.close(Duration.ofSeconds(5));
                writer = null;
            }
        }
    }
}
