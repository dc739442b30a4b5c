package io.datastores.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.datastores.contract.SchemaHistory;
import io.datastores.contract.TopicSpec;
import io.datastores.contract.Topics;
import io.datastores.kit.serde.ForwardingSchemaRegistry;
import io.datastores.kit.serde.MockSchemaRegistry;
import io.datastores.kit.serde.SchemaRegistry;
import io.datastores.kit.serde.SchemaRegistryException;

/** The schemas the platform registers at start-up, against the in-memory registry. */
class PlatformBootstrapTest {

    private static final String SCOPE = "platform-bootstrap-test";
    private final MockSchemaRegistry registry = MockSchemaRegistry.scope(SCOPE);

    @AfterEach
    void dropScope() {
        MockSchemaRegistry.drop(SCOPE);
    }

    private void registerAll() {
        for (TopicSpec<?> topic : Topics.ALL) {
            registry.setCompatibility(topic.valueSubject(), PlatformBootstrap.COMPATIBILITY);
            PlatformBootstrap.registerSchemas(registry, topic);
        }
    }

    /** What a subject should hold: the stored versions, then the current schema unless it is last. */
    private static List<String> expected(TopicSpec<?> topic) {
        List<String> texts = new ArrayList<>(SchemaHistory.packaged(topic.valueSubject()).stream()
                .map(Schema::toString).toList());
        String current = topic.valueSchema().toString();
        if (!texts.get(texts.size() - 1).equals(current)) {
            texts.add(current); // a change of documentation only: the same schema to a reader
        }
        return texts;
    }

    private List<String> held(String subject) {
        return registry.versions(subject).stream()
                .map(v -> registry.version(subject, String.valueOf(v)).schema().toString())
                .toList();
    }

    @Test
    @DisplayName("every subject holds its stored versions in order, the latest being the current schema")
    void everySubjectHoldsItsHistory() {
        registerAll();

        for (TopicSpec<?> topic : Topics.ALL) {
            assertThat(held(topic.valueSubject())).as(topic.valueSubject())
                    .isEqualTo(expected(topic));
            assertThat(registry.version(topic.valueSubject(), "latest").schema().toString())
                    .isEqualTo(topic.valueSchema().toString());
        }
        assertThat(registry.subjects()).hasSize(Topics.ALL.size());
    }

    @Test
    @DisplayName("a registry that holds it all is only read: a start writes nothing")
    void aPreparedRegistryIsOnlyRead() {
        PlatformBootstrap.prepareRegistry(registry);
        List<String> writes = new ArrayList<>();
        SchemaRegistry counting = new ForwardingSchemaRegistry(registry) {
            @Override
            public int register(String subject, Schema schema) {
                writes.add("register " + subject);
                return super.register(subject, schema);
            }

            @Override
            public void setCompatibility(String subject, String level) {
                writes.add("compatibility " + subject);
                super.setCompatibility(subject, level);
            }
        };

        PlatformBootstrap.prepareRegistry(counting);

        assertThat(writes).isEmpty();
        assertThat(registry.compatibility(Topics.INSTANCE_REQUESTS.valueSubject()))
                .contains(PlatformBootstrap.COMPATIBILITY);
    }

    @Test
    @DisplayName("a second start changes nothing")
    void idempotent() {
        registerAll();
        int latest = registry.version(Topics.INSTANCE_REQUESTS.valueSubject(), "latest").id();

        registerAll();

        assertThat(registry.version(Topics.INSTANCE_REQUESTS.valueSubject(), "latest").id())
                .isEqualTo(latest);
        for (TopicSpec<?> topic : Topics.ALL) {
            assertThat(held(topic.valueSubject())).as(topic.valueSubject())
                    .isEqualTo(expected(topic));
        }
    }

    @Test
    @DisplayName("a registry holding the current schema is left as it is: no older version becomes latest")
    void aRegistryHoldingTheCurrentSchema() {
        String subject = Topics.NODE_ALERTS.valueSubject();
        registry.setCompatibility(subject, PlatformBootstrap.COMPATIBILITY);
        int current = registry.register(subject, Topics.NODE_ALERTS.valueSchema());

        PlatformBootstrap.registerSchemas(registry, Topics.NODE_ALERTS);

        assertThat(registry.version(subject, "latest").id()).isEqualTo(current);
        assertThat(registry.versions(subject)).hasSize(1);
    }

    @Test
    @DisplayName("a registry that holds an older version gets the versions after it")
    void aRegistryBehindTheHistory() {
        String subject = Topics.NODE_ALERTS.valueSubject();
        List<Schema> stored = SchemaHistory.packaged(subject);
        assertThat(stored).hasSizeGreaterThan(1);
        registry.setCompatibility(subject, PlatformBootstrap.COMPATIBILITY);
        registry.register(subject, stored.get(0));

        PlatformBootstrap.registerSchemas(registry, Topics.NODE_ALERTS);

        assertThat(held(subject)).isEqualTo(expected(Topics.NODE_ALERTS));
    }

    @Test
    @DisplayName("another service creating the subject at the same moment (Apicurio's 409) is no failure")
    void aConcurrentStart() {
        String subject = Topics.BACKUP_COMMANDS.valueSubject();
        SchemaRegistry racing = new ForwardingSchemaRegistry(registry) {
            private boolean first = true;

            @Override
            public int register(String s, Schema schema) {
                if (first) {
                    first = false;
                    registry.register(s, schema); // the other service wins the race
                    throw new SchemaRegistryException(409, 409,
                            "An artifact with ID '" + s + "' already exists.");
                }
                return super.register(s, schema);
            }
        };

        PlatformBootstrap.registerSchemas(racing, Topics.BACKUP_COMMANDS);

        assertThat(held(subject)).isEqualTo(expected(Topics.BACKUP_COMMANDS));
    }

    @Test
    @DisplayName("a schema the subject's compatibility refuses is reported, not skipped")
    void anIncompatibleCurrentSchema() {
        String subject = Topics.BACKUP_COMMANDS.valueSubject();
        registry.setCompatibility(subject, PlatformBootstrap.COMPATIBILITY);
        registry.register(subject, Topics.NODE_ALERTS.valueSchema());

        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> PlatformBootstrap.registerSchemas(registry, Topics.BACKUP_COMMANDS))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.status()).isEqualTo(409));
    }
}
