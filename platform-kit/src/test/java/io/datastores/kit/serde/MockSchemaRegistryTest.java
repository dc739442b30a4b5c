package io.datastores.kit.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class MockSchemaRegistryTest {

    private final MockSchemaRegistry registry = new MockSchemaRegistry();
    private final Schema v1 = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
    private final Schema v2 = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":["
            + "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}");
    private final Schema breaking = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":["
            + "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"c\",\"type\":\"int\"}]}");

    @Test
    void sameSchemaKeepsItsIdAcrossSubjectsAndRegistrations() {
        int id = registry.register("a-value", v1);
        assertThat(registry.register("a-value", v1)).isEqualTo(id);
        assertThat(registry.register("b-value", v1)).isEqualTo(id);
        assertThat(registry.versions("a-value")).containsExactly(1);
        assertThat(registry.schemaById(id)).isEqualTo(v1);
    }

    @Test
    void versionsGrowAndLatestIsTheNewest() {
        registry.register("s", v1);
        int id2 = registry.register("s", v2);
        assertThat(registry.versions("s")).containsExactly(1, 2);
        assertThat(registry.version("s", "latest").id()).isEqualTo(id2);
        assertThat(registry.version("s", "1").schema()).isEqualTo(v1);
    }

    @Test
    void backwardTransitiveRefusesABreakingChange() {
        registry.setCompatibility(null, "BACKWARD_TRANSITIVE");
        registry.register("s", v1);
        registry.register("s", v2);
        assertThat(registry.isCompatible("s", breaking)).isFalse();
        assertThatThrownBy(() -> registry.register("s", breaking))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    void unknownIdsAndSubjectsAreNotFound() {
        assertThatThrownBy(() -> registry.schemaById(5))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.isNotFound()).isTrue();
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
                });
        assertThatThrownBy(() -> registry.versions("nope"))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
    }
}
