package io.datastores.contract;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.util.ClassSecurityValidator;
import org.junit.jupiter.api.Test;

import io.datastores.events.InstanceEventEnvelope;

/** Our namespace is trusted; Avro's check stays on for everything else. */
class AvroTrustTest {

    @Test
    void trustsTheContractAndNothingMore() {
        AvroTrust.install();
        AvroTrust.install();
        assertThatCode(() -> ClassSecurityValidator.validate(InstanceEventEnvelope.class)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ClassSecurityValidator.validate(java.net.URLClassLoader.class))
                .isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> ClassSecurityValidator.validate(AvroTrustTest.class))
                .isInstanceOf(SecurityException.class);
    }
}
