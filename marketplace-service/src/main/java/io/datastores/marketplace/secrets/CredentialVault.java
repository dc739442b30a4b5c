package io.datastores.marketplace.secrets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

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
import io.datastores.events.CredentialDataKey;
import io.datastores.events.CredentialKeyEnvelope;
import io.datastores.events.EventMetadata;
import io.datastores.events.MarketplaceCommandEnvelope;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.service.PlatformBeans.PreparedPlatform;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/**
 * Where secrets enter and leave. An import seals the password under a new data key, writes the
 * wrapped key to {@code dcp.credential-keys} and the request (ciphertext only) to
 * {@code dcp.marketplace-commands} in one Kafka transaction; a deletion writes the key's tombstone
 * with its request, so the key is gone (compaction removes it from the log within about a minute)
 * and no replay can open the secret again. Keys are read back from the topic into memory.
 *
 * <p>The master key comes from {@code dcp.marketplace.master-key-file} (a file holding the base64
 * key; the dev stack writes one in its directory) or {@code dcp.marketplace.master-key}.
 */
@Singleton
public class CredentialVault implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialVault.class);
    public static final String PRODUCER = "marketplace-service (HTTP API)";

    private final SecretBox box;
    private final ContractSerdes serdes;
    private final KafkaProducer<String, byte[]> producer;
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
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "marketplace-api-" + UUID.randomUUID(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
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

    /** Seals {@code password}, appends its key and the import request atomically; returns the request id. */
    public String importCredential(String instanceId, String credentialId, String callerOrganization,
            io.datastores.events.CredentialKind kind, String displayName, String environment, String username,
            String password) {
        String requestId = UUID.randomUUID().toString();
        ByteBuffer ciphertext = null;
        byte[] keyRecord = null;
        if (password != null) {
            SecretBox.Sealed sealed = box.seal(password, credentialId);
            ciphertext = ByteBuffer.wrap(sealed.ciphertext());
            keyRecord = serdes.value(Topics.CREDENTIAL_KEYS).serializer().serialize(Topics.CREDENTIAL_KEYS.name(),
                    new CredentialKeyEnvelope(meta(requestId), new CredentialDataKey(credentialId, box.masterKeyId(),
                            ByteBuffer.wrap(sealed.wrappedKey()))));
        }
        var request = io.datastores.events.CredentialImportRequested.newBuilder().setRequestId(requestId)
                .setInstanceId(instanceId).setOrganizationId(callerOrganization).setCredentialId(credentialId)
                .setKind(kind).setDisplayName(displayName).setEnvironment(environment).setUsername(username)
                .setEncryptedSecret(ciphertext).build();
        send(instanceId, requestId, request, credentialId, keyRecord, false);
        return requestId;
    }

    /** Appends the deletion request and destroys the credential's data key; returns the request id. */
    public String deleteCredential(String instanceId, String credentialId, String callerOrganization) {
        String requestId = UUID.randomUUID().toString();
        send(instanceId, requestId, new io.datastores.events.CredentialDeletionRequested(requestId, instanceId,
                callerOrganization, credentialId), credentialId, null, true);
        return requestId;
    }

    /** Appends any other marketplace request; returns its request id. */
    public String request(String instanceId, String requestId, Object payload) {
        send(instanceId, requestId, payload, null, null, false);
        return requestId;
    }

    private synchronized void send(String instanceId, String requestId, Object payload, String credentialId,
            byte[] keyRecord, boolean destroyKey) {
        byte[] command = serdes.value(Topics.MARKETPLACE_COMMANDS).serializer().serialize(
                Topics.MARKETPLACE_COMMANDS.name(), new MarketplaceCommandEnvelope(meta(requestId), payload));
        producer.beginTransaction();
        try {
            if (keyRecord != null || destroyKey) {
                producer.send(new ProducerRecord<>(Topics.CREDENTIAL_KEYS.name(), credentialId, keyRecord));
            }
            producer.send(new ProducerRecord<>(Topics.MARKETPLACE_COMMANDS.name(), instanceId, command));
            producer.commitTransaction();
        } catch (RuntimeException e) {
            producer.abortTransaction();
            throw e;
        }
        if (destroyKey) {
            wrappedKeys.remove(credentialId);
        } else if (keyRecord != null) {
            wrappedKeys.put(credentialId, wrappedOf(keyRecord).orElseThrow());
        }
    }

    /** The password of a credential whose data key still exists. */
    public Optional<String> reveal(String credentialId, byte[] ciphertext) {
        byte[] wrapped = wrappedKeys.get(credentialId);
        if (wrapped == null || ciphertext == null) {
            return Optional.empty();
        }
        return Optional.of(box.open(ciphertext, wrapped, credentialId));
    }

    private Optional<byte[]> wrappedOf(byte[] record) {
        CredentialKeyEnvelope e = serdes.value(Topics.CREDENTIAL_KEYS).deserializer()
                .deserialize(Topics.CREDENTIAL_KEYS.name(), record);
        if (e.getPayload() instanceof CredentialDataKey k) {
            ByteBuffer b = k.getWrappedKey().duplicate();
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return Optional.of(out);
        }
        return Optional.empty();
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

    private static EventMetadata meta(String requestId) {
        return new EventMetadata(requestId, requestId, null, Instant.now(), PRODUCER);
    }

    @Override
    @PreDestroy
    public void close() {
        running.set(false);
        keyReader.wakeup();
        producer.close();
    }
}
