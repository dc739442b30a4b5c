package io.datastores.marketplace.secrets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.service.PlatformBeans.PreparedPlatform;
import io.micronaut.context.annotation.Value;
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
 * <p>The master key comes from {@code dcp.marketplace.master-key-file} (a file holding the base64
 * key; the dev stack writes one in its directory) or {@code dcp.marketplace.master-key}.
 */
@Singleton
public class CredentialVault implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialVault.class);

    private final SecretBox box;
    private final ContractSerdes serdes;
    private final Map<String, byte[]> wrappedKeys = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final KafkaConsumer<String, byte[]> keyReader;
    private final Thread reader;
    private final String bootstrap;

    public CredentialVault(@Value("${dcp.marketplace.master-key-file:}") String keyFile,
            @Value("${dcp.marketplace.master-key:}") String key, PreparedPlatform platform, ContractSerdes serdes)
            throws IOException {
        this.box = SecretBox.fromBase64(masterKey(keyFile, key));
        this.serdes = serdes;
        this.bootstrap = platform.bootstrapServers();
        this.keyReader = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = keyReader.partitionsFor(Topics.CREDENTIAL_KEYS.name(), Duration.ofSeconds(30))
                .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        keyReader.assign(partitions);
        keyReader.seekToBeginning(partitions);
        this.reader = new Thread(this::readKeys, "credential-keys-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private static String masterKey(String keyFile, String key) throws IOException {
        if (keyFile != null && !keyFile.isBlank()) {
            return Files.readString(Path.of(keyFile), StandardCharsets.UTF_8).trim();
        }
        if (key != null && !key.isBlank()) {
            return key;
        }
        throw new IllegalStateException("no master key: set dcp.marketplace.master-key-file (a file holding a"
                + " base64 256-bit key) or dcp.marketplace.master-key");
    }

    /**
     * A secret sealed for {@code keyId}: the ciphertext its request carries, and its data key wrapped
     * by the master key as {@code dcp.credential-keys} holds it (the record {@code key}).
     */
    public record Sealed(String keyId, ByteBuffer ciphertext, SpecificRecord key, byte[] wrappedKey) {
    }

    /** The secret of a credential's, or a connection's copy's, data key is not in memory. */
    public static final class KeyUnavailable extends RuntimeException {
        KeyUnavailable(String keyId) {
            super("the data key of " + keyId + " is not available: still loading, or just destroyed; retry");
        }
    }

    /** {@code password} sealed under a new data key of the credential {@code credentialId}. */
    public Sealed sealCredential(String credentialId, String password) {
        SecretBox.Sealed sealed = box.seal(password, credentialId);
        return new Sealed(credentialId, ByteBuffer.wrap(sealed.ciphertext()), new CredentialDataKey(credentialId,
                box.masterKeyId(), ByteBuffer.wrap(sealed.wrappedKey())), sealed.wrappedKey());
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
        SecretBox.Sealed sealed = box.seal(password, connectionId);
        return Optional.of(new Sealed(connectionId, ByteBuffer.wrap(sealed.ciphertext()), new ConnectionDataKey(
                connectionId, credentialId, box.masterKeyId(), ByteBuffer.wrap(sealed.wrappedKey())),
                sealed.wrappedKey()));
    }

    /** Keeps the key in memory at once (its record is on its way), so its secret opens before it is read back. */
    public void remember(Sealed sealed) {
        wrappedKeys.put(sealed.keyId(), sealed.wrappedKey());
    }

    /** Drops a key whose record was not appended after all. */
    public void forget(Sealed sealed) {
        wrappedKeys.remove(sealed.keyId(), sealed.wrappedKey());
    }

    /** The secret sealed for {@code keyId}, while its data key exists. */
    public Optional<String> reveal(String keyId, byte[] ciphertext) {
        byte[] wrapped = wrappedKeys.get(keyId);
        if (wrapped == null || ciphertext == null) {
            return Optional.empty();
        }
        return Optional.of(box.open(ciphertext, wrapped, keyId));
    }

    private Optional<byte[]> wrappedOf(byte[] record) {
        CredentialKeyEnvelope e = serdes.value(Topics.CREDENTIAL_KEYS).deserializer()
                .deserialize(Topics.CREDENTIAL_KEYS.name(), record);
        ByteBuffer key;
        if (e.getPayload() instanceof CredentialDataKey k) {
            key = k.getWrappedKey();
        } else if (e.getPayload() instanceof ConnectionDataKey k) {
            key = k.getWrappedKey();
        } else {
            return Optional.empty();
        }
        ByteBuffer b = key.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return Optional.of(out);
    }

    private void readKeys() {
        try (KafkaProducer<String, byte[]> dlq = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(),
                new ByteArraySerializer())) {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : keyReader.poll(Duration.ofMillis(500))) {
                    if (r.value() == null) {
                        wrappedKeys.remove(r.key());
                        continue;
                    }
                    try {
                        wrappedOf(r.value()).ifPresent(k -> wrappedKeys.put(r.key(), k));
                    } catch (RuntimeException e) {
                        LOG.warn("undecodable key record {}-{}@{} dead-lettered: {}", r.topic(), r.partition(),
                                r.offset(), e.getClass().getSimpleName());
                        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(
                                Topics.CREDENTIAL_KEYS.deadLetterTopic(), r.key(), r.value());
                        dead.headers().add(DeadLetters.CAUSE, "UNDECODABLE".getBytes(StandardCharsets.UTF_8));
                        dead.headers().add(DeadLetters.SERVICE, "marketplace-service".getBytes(StandardCharsets.UTF_8));
                        dlq.send(dead);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            keyReader.close();
        }
    }

    @Override
    @PreDestroy
    public void close() {
        running.set(false);
        keyReader.wakeup();
    }
}
