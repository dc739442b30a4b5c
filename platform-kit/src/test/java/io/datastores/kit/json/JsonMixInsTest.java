package io.datastores.kit.json;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A service that depends on a mix-in learns at start when the kit's mappers do not apply it. */
class JsonMixInsTest {

    record Plain(String name) {
    }

    interface PlainShape {
    }

    @Test
    void aMixInNoProviderGaveIsNamed() {
        assertThatThrownBy(() -> JsonMixIns.require(Plain.class, PlainShape.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(PlainShape.class.getName()).hasMessageContaining("META-INF/services");
    }
}
