package io.datastores.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.apache.avro.Schema;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fails the build when a schema changes incompatibly. To evolve a topic's schema: change the
 * .avsc, run {@code ./mvnw -pl schemas test -Dschemas.record=true} to store the new version, and
 * commit it with the change.
 */
class SchemaCompatibilityTest {

    private final SchemaHistory history =
            new SchemaHistory(Path.of(System.getProperty("schemas.history.dir", "history")));

    @Test
    @DisplayName("every topic's current schema reads every stored version (BACKWARD_TRANSITIVE)")
    void currentSchemasAreBackwardTransitive() {
        for (TopicSpec<?> topic : Topics.ALL) {
            assertThat(history.versions(topic.valueSubject()))
                    .as("stored versions of %s", topic.valueSubject()).isNotEmpty();
            assertThat(history.incompatibilities(topic.valueSubject(), topic.valueSchema()))
                    .as("incompatible change to %s", topic.valueSubject()).isEmpty();
        }
    }

    @Test
    @DisplayName("the newest stored version is the current schema, so no change goes unrecorded")
    void currentSchemaIsRecorded() {
        for (TopicSpec<?> topic : Topics.ALL) {
            List<Schema> versions = history.versions(topic.valueSubject());
            Schema current = topic.valueSchema();
            if (Boolean.getBoolean("schemas.record")
                    && (versions.isEmpty() || !versions.get(versions.size() - 1).equals(current))) {
                history.record(topic.valueSubject(), current);
                versions = history.versions(topic.valueSubject());
            }
            assertThat(versions.get(versions.size() - 1))
                    .as("%s changed: store it with -Dschemas.record=true", topic.valueSubject())
                    .isEqualTo(current);
        }
    }

    @Test
    @DisplayName("the build packs every stored version, in order, for the platform to register")
    void storedVersionsArePackaged() {
        for (TopicSpec<?> topic : Topics.ALL) {
            assertThat(SchemaHistory.packaged(topic.valueSubject()))
                    .as("packaged versions of %s", topic.valueSubject())
                    .isNotEmpty()
                    .containsExactlyElementsOf(history.versions(topic.valueSubject()));
        }
        assertThat(SchemaHistory.packaged("no-such-subject")).isEmpty();
    }

    @Nested
    @DisplayName("the rule itself")
    class TheRule {

        @TempDir
        Path dir;

        private final Schema v1 = Topics.INSTANCE_REQUESTS.valueSchema();
        private static final String PLAN =
                "{\"name\":\"plan\",\"type\":{\"type\":\"string\",\"avro.java.string\":\"String\"}}";
        private static final String UNION_END = "],\"doc\":\"The event; one of the branches.\"";

        /** The InstanceRequested branch (the first with a plan field) gains {@code field}. */
        private Schema withField(String field) {
            String json = v1.toString();
            assertThat(json).contains(PLAN);
            return new Schema.Parser().parse(json.replaceFirst(
                    java.util.regex.Pattern.quote(PLAN),
                    java.util.regex.Matcher.quoteReplacement(PLAN + "," + field)));
        }

        @Test
        void rejectsANewRequiredField() {
            SchemaHistory h = new SchemaHistory(dir);
            h.record("s", v1);
            Schema broken = withField("{\"name\":\"costCenter\",\"type\":\"string\"}");
            assertThat(broken).isNotEqualTo(v1);
            assertThat(h.incompatibilities("s", broken)).hasSize(1)
                    .first().asString().contains("costCenter");
        }

        @Test
        void rejectsARemovedEventType() {
            SchemaHistory h = new SchemaHistory(dir);
            h.record("s", v1);
            Schema broken = new Schema.Parser().parse(v1.toString()
                    .replaceFirst(",\\{\"type\":\"record\",\"name\":\"InstanceDeletionRequested\".*?\\]\\}",
                            ""));
            assertThat(broken.getField("payload").schema().getTypes()).hasSize(3);
            assertThat(h.incompatibilities("s", broken)).isNotEmpty();
        }

        @Test
        void acceptsAnOptionalFieldAndANewEventType() {
            SchemaHistory h = new SchemaHistory(dir);
            h.record("s", v1);
            String withField = withField(
                    "{\"name\":\"costCenter\",\"type\":[\"null\",\"string\"],\"default\":null}")
                    .toString();
            Schema evolved = new Schema.Parser().parse(withField.replace(UNION_END,
                    ",{\"type\":\"record\",\"name\":\"Hello\",\"fields\":[]}" + UNION_END));
            assertThat(evolved.getField("payload").schema().getTypes()).hasSize(5);
            assertThat(h.incompatibilities("s", evolved)).isEmpty();
        }
    }
}
