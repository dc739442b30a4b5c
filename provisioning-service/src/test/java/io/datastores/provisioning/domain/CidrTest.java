package io.datastores.provisioning.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0/0", "10.0.0.0/8", "203.0.113.7", "192.168.1.0/24", "::/0", "2001:db8::/32",
            "fe80::1", "::1", "2001:0db8:0000:0000:0000:ff00:0042:8329", "::ffff:192.0.2.128/128"})
    void valid(String entry) {
        assertThat(Cidr.problem(entry)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0.0/33", "256.1.1.1", "10.0.0", "10.0.0.0/8/8", "example.com", "2001:db8::/129",
            "2001:::1", "1:2:3:4:5:6:7:8:9", "10.0.0.0/-1", "gggg::1"})
    void invalid(String entry) {
        assertThat(Cidr.problem(entry)).isPresent();
    }
}
