package io.datastores.kit.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @Nested
    class Validation {

        @ParameterizedTest
        @ValueSource(strings = {"0.0.0.0/0", "10.0.0.0/8", "203.0.113.7", "192.168.1.0/24", "::/0",
                "2001:db8::/32", "fe80::1", "::1", "2001:0db8:0000:0000:0000:ff00:0042:8329",
                "::ffff:192.0.2.128/128"})
        void valid(String entry) {
            assertThat(Cidr.problem(entry)).isEmpty();
            assertThat(Cidr.parse(entry)).hasToString(entry);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "10.0.0.0/33", "256.1.1.1", "10.0.0", "10.0.0.0/8/8",
                "example.com", "2001:db8::/129", "2001:::1", "1:2:3:4:5:6:7:8:9", "10.0.0.0/-1",
                "gggg::1", "fe80::1%eth0", "localhost"})
        void invalid(String entry) {
            assertThat(Cidr.problem(entry)).isPresent();
            assertThatThrownBy(() -> Cidr.parse(entry)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(Cidr.problem(entry).orElseThrow());
        }
    }

    @Nested
    class Matching {

        @ParameterizedTest(name = "{0} contains {1}: {2}")
        @CsvSource({
            "127.0.0.1/32, 127.0.0.1, true",
            "127.0.0.1/32, 127.0.0.5, false",
            "127.0.0.1, 127.0.0.1, true",
            "127.0.0.1, 127.0.0.2, false",
            "127.0.0.0/8, 127.255.1.2, true",
            "127.0.0.0/8, 128.0.0.1, false",
            "10.1.2.3/8, 10.200.0.1, true",
            "192.168.1.0/25, 192.168.1.127, true",
            "192.168.1.0/25, 192.168.1.128, false",
            "0.0.0.0/0, 203.0.113.9, true",
            "0.0.0.0/0, 2001:db8::1, true",
            "::/0, 127.0.0.5, true",
            "::/0, 2001:db8::1, true",
            "2001:db8::/32, 2001:db8:ffff::1, true",
            "2001:db8::/32, 2001:db9::1, false",
            "::1, ::1, true",
            "::1, 127.0.0.1, false",
            "::ffff:127.0.0.0/104, 127.0.0.5, true",
            "::ffff:127.0.0.0/104, 128.0.0.5, false",
            "fe80::1, fe80::2, false",
            "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8, true",
            "1::8/128, 1:0:0:0:0:0:0:8, true",
        })
        void contains(String block, String address, boolean expected) throws UnknownHostException {
            InetAddress client = InetAddress.getByName(address);

            assertThat(Cidr.parse(block).contains(client)).isEqualTo(expected);
        }

        @Test
        void anIpv4BlockMatchesAnIpv4MappedClient() throws UnknownHostException {
            byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 9};
            InetAddress client = InetAddress.getByAddress("client", mapped);

            assertThat(Cidr.parse("127.0.0.0/24").contains(client)).isTrue();
            assertThat(Cidr.parse("10.0.0.0/8").contains(client)).isFalse();
        }

        @Test
        void anyContainsIsFalseForAnEmptyList() throws UnknownHostException {
            InetAddress client = InetAddress.getByName("127.0.0.1");

            assertThat(Cidr.anyContains(List.of(), client)).isFalse();
            assertThat(Cidr.anyContains(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("127.0.0.1")),
                    client)).isTrue();
        }

        @Test
        void blocksWithTheSameNetworkAreEqual() {
            assertThat(Cidr.parse("10.1.2.3/8")).isEqualTo(Cidr.parse("10.0.0.0/8"))
                    .hasSameHashCodeAs(Cidr.parse("10.0.0.0/8"));
            assertThat(Cidr.parse("10.0.0.0/8")).isNotEqualTo(Cidr.parse("10.0.0.0/9"));
            assertThat(Cidr.parse("::ffff:10.0.0.0/104").isIpv6()).isTrue();
            assertThat(Cidr.parse("10.0.0.0/8").prefixLength()).isEqualTo(8);
        }
    }
}
