package io.datastores.marketplace.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.datastores.contract.Topics;
import io.datastores.events.ConnectionDataKey;
import io.datastores.events.CredentialDataKey;
import io.datastores.events.CredentialImportRequested;
import io.datastores.events.CredentialKeyEnvelope;
import io.datastores.events.CredentialKind;
import io.datastores.kit.kafka.PlatformBootstrap;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.serde.MockSchemaRegistry;
import io.datastores.service.PlatformBeans.PreparedPlatform;
import io.datastores.service.commands.Command;
import io.datastores.service.commands.CommandGateway;
import io.datastores.testkit.KafkaBrokerExtension;

/**
 * A rotation under load, on a real broker: credentials imported as the HTTP API imports them (sealed
 * by the vault, the key sent with the request through the command gateway, remembered), some of
 * them destroyed (tombstones, as the topology writes them), while the master key of a stack made by
 * the previous version (a base64 key file) is rotated. Afterwards every credential still opens, none
 * is lost, no destroyed one came back, no latest record of {@code dcp.credential-keys} is under the
 * retired key, and a vault started on the rotated keyring file alone opens every secret.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VaultRotationIT {

    private static final int SEEDED = 600;
    private final String registryUrl = MockSchemaRegistry.PREFIX + "vault-it-" + UUID.randomUUID();
    private ContractSerdes serdes;
    private PreparedPlatform platform;
    private CommandGateway gateway;
    private final List<CredentialVault> vaults = new ArrayList<>();

    @BeforeAll
    void start() {
        serdes = new ContractSerdes(registryUrl);
        PlatformBootstrap.prepare(KafkaBrokerExtension.bootstrapServers(), serdes.registry(), Duration.ofSeconds(30));
        platform = new PreparedPlatform(KafkaBrokerExtension.bootstrapServers(), registryUrl);
        gateway = new CommandGateway(KafkaBrokerExtension.bootstrapServers(), serdes, Clock.systemUTC(),
                Duration.ofSeconds(5), "marketplace-service-vault-it");
    }

    @AfterAll
    void stop() {
        vaults.forEach(CredentialVault::close);
        gateway.close();
    }

    private CredentialVault vault(Path keyFile) throws Exception {
        CredentialVault v = new CredentialVault(keyFile.toString(), "", platform, serdes);
        vaults.add(v);
        await().atMost(Duration.ofSeconds(30)).until(v::loaded);
        return v;
    }

    /** What the HTTP API does for POST /instances/{id}/credentials: seal, send with its key, remember. */
    private Map.Entry<String, byte[]> importCredential(CredentialVault vault, String password) {
        String credentialId = "cred-" + UUID.randomUUID();
        String requestId = UUID.randomUUID().toString();
        CredentialVault.Sealed sealed = vault.sealCredential(credentialId, password);
        Command command = Command.to(Topics.MARKETPLACE_COMMANDS, "inst-vault-it", requestId,
                CredentialImportRequested.newBuilder().setRequestId(requestId).setInstanceId("inst-vault-it")
                        .setOrganizationId("org-vault-it").setCredentialId(credentialId)
                        .setKind(CredentialKind.CREATED).setDisplayName("app").setEnvironment("prod")
                        .setUsername("app").setEncryptedSecret(sealed.ciphertext()).build())
                .with(Topics.CREDENTIAL_KEYS, sealed.keyId(), sealed.key());
        vault.remember(sealed);
        try {
            gateway.send(command).join();
        } catch (RuntimeException e) {
            vault.forget(sealed);
            throw e;
        }
        byte[] ciphertext = new byte[sealed.ciphertext().remaining()];
        sealed.ciphertext().duplicate().get(ciphertext);
        return Map.entry(credentialId, ciphertext);
    }

    private record Secret(String password, byte[] ciphertext) {
    }

    @Test
    void givenImportsAndDeletionsDuringRotation_whenRotated_thenNothingLostNothingUnderOldKey(
            @TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("master.key");
        Files.writeString(keyFile, SecretBox.newMasterKey() + "\n", StandardCharsets.UTF_8);
        CredentialVault vault = vault(keyFile);
        String oldKey = vault.status().primaryKeyId();
        Map<String, Secret> secrets = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> seeding = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                seeding.add(pool.submit(() -> {
                    for (int i = 0; i < SEEDED / 4; i++) {
                        imported(vault, secrets);
                    }
                }));
            }
            for (Future<?> f : seeding) {
                f.get(60, TimeUnit.SECONDS);
            }
            List<String> toDelete = secrets.keySet().stream().limit(50).toList();

            // under load: two importers, one reader, one deleter, while the rotation runs
            AtomicBoolean going = new AtomicBoolean(true);
            AtomicInteger concurrentImports = new AtomicInteger();
            AtomicInteger readFailures = new AtomicInteger();
            AtomicInteger reads = new AtomicInteger();
            List<Future<?>> load = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                load.add(pool.submit(() -> {
                    while (going.get()) {
                        imported(vault, secrets);
                        concurrentImports.incrementAndGet();
                    }
                }));
            }
            List<String> seeded = List.copyOf(secrets.keySet());
            load.add(pool.submit(() -> {
                int i = 0;
                while (going.get()) {
                    String id = seeded.get(50 + (i++ % (seeded.size() - 50)));
                    Optional<String> opened = vault.reveal(id, secrets.get(id).ciphertext());
                    reads.incrementAndGet();
                    if (!opened.equals(Optional.of(secrets.get(id).password()))) {
                        readFailures.incrementAndGet();
                    }
                }
            }));
            Future<?> deleting = pool.submit(() -> tombstones(toDelete));

            CredentialVault.Rotation rotation = vault.rotate();
            deleting.get(30, TimeUnit.SECONDS);
            going.set(false);
            for (Future<?> f : load) {
                f.get(30, TimeUnit.SECONDS);
            }
            System.out.printf("rotation of %d data keys (under load: %d imports meanwhile, %d reads): %d ms, %s%n",
                    rotation.rewrapped(), concurrentImports.get(), reads.get(), rotation.millis(), rotation);

            assertThat(rotation.retired()).as(String.valueOf(rotation.error())).isTrue();
            assertThat(rotation.retiredKeyIds()).containsExactly(oldKey);
            assertThat(rotation.leftUnderOldKeys()).isZero();
            assertThat(rotation.rewrapped()).isGreaterThanOrEqualTo(SEEDED - toDelete.size());
            assertThat(concurrentImports.get()).as("imports went on during the rotation").isPositive();
            assertThat(readFailures.get()).as("reads kept working").isZero();
            assertThat(MasterKeyring.read(keyFile).ids()).as("the file holds the new key alone")
                    .containsExactly(rotation.newKeyId());

            // the log: every credential's latest record under the new key, the destroyed ones destroyed
            Map<String, Optional<String>> latest = latestMasterKeyIds();
            assertThat(latest.values()).as("no latest data key under the retired key")
                    .noneMatch(id -> id.isPresent() && id.get().equals(oldKey));
            List<String> alive = secrets.keySet().stream().filter(id -> !toDelete.contains(id)).toList();
            assertThat(alive).allSatisfy(id -> assertThat(latest.get(id)).as(id)
                    .contains(rotation.newKeyId()));
            assertThat(toDelete).allSatisfy(id -> assertThat(latest.get(id)).as("destroyed " + id).isEmpty());
            assertThat(vault.status().keys()).singleElement()
                    .satisfies(k -> assertThat(k.keyId()).isEqualTo(rotation.newKeyId()));

            // every secret opens, in this vault and in one started on the rotated keyring alone
            vault.close();
            vaults.remove(vault);
            CredentialVault restarted = vault(keyFile);
            assertThat(restarted.status().keys()).singleElement()
                    .satisfies(k -> assertThat(k.dataKeys()).isGreaterThanOrEqualTo(alive.size()));
            for (String id : alive) {
                assertThat(restarted.reveal(id, secrets.get(id).ciphertext())).as(id)
                        .contains(secrets.get(id).password());
            }
            for (String id : toDelete) {
                assertThat(restarted.reveal(id, secrets.get(id).ciphertext())).as("destroyed " + id).isEmpty();
            }
            System.out.printf("%d credentials opened after the restart on the new keyring alone%n", alive.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void givenInlineMasterKey_whenRotating_thenRefusedAsNeverPossibleAndKeyKept() throws Exception {
        CredentialVault inline = new CredentialVault("", SecretBox.newMasterKey(), platform, serdes);
        vaults.add(inline);
        String before = inline.status().primaryKeyId();

        assertThatThrownBy(inline::rotate).isInstanceOf(CredentialVault.RotationRefused.class)
                .hasMessageContaining("dcp.marketplace.master-key-file")
                .satisfies(e -> assertThat(((CredentialVault.RotationRefused) e).retryable()).isFalse());
        assertThat(inline.status().keys()).singleElement()
                .satisfies(k -> assertThat(k.keyId()).isEqualTo(before));
        assertThat(inline.status().rotatable()).isFalse();
    }

    private void imported(CredentialVault vault, Map<String, Secret> secrets) {
        String password = "pw-" + UUID.randomUUID();
        Map.Entry<String, byte[]> imported = importCredential(vault, password);
        secrets.put(imported.getKey(), new Secret(password, imported.getValue()));
    }

    /** Destroys keys as the topology does: a tombstone each, a few at a time. */
    private void tombstones(List<String> keys) {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBrokerExtension.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            for (String k : keys) {
                p.send(new ProducerRecord<>(Topics.CREDENTIAL_KEYS.name(), k, null));
                p.flush();
            }
        }
    }

    /** The latest committed record of each key of dcp.credential-keys: its master key id, empty for a tombstone. */
    private Map<String, Optional<String>> latestMasterKeyIds() {
        Map<String, Optional<String>> latest = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerExtension.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(Topics.CREDENTIAL_KEYS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        latest.put(r.key(), Optional.empty());
                        continue;
                    }
                    CredentialKeyEnvelope e = serdes.value(Topics.CREDENTIAL_KEYS).deserializer()
                            .deserialize(r.topic(), r.value());
                    latest.put(r.key(), Optional.of(e.getPayload() instanceof CredentialDataKey k
                            ? k.getMasterKeyId() : ((ConnectionDataKey) e.getPayload()).getMasterKeyId()));
                }
            }
        }
        return latest;
    }
}
