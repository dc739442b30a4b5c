package io.datastores.failover.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import io.datastores.failover.domain.HeardNodes;
import io.datastores.failover.domain.HeardNodes.Heard;

class HeardNodesSerdeTest {

    private static final Instant T = Instant.parse("2026-12-04T10:00:00.123Z");

    private static HeardNodes roundTrip(HeardNodes h) {
        return HeardNodesSerde.read(HeardNodesSerde.write(h));
    }

    @Test
    void everyShapeOfANodeReadsBackEqual() {
        HeardNodes h = new HeardNodes(List.of(
                new Heard("i-1-n1", T, T, 123_456_789_012L),
                new Heard("i-1-n2", T, T.minusSeconds(3), 0),
                new Heard("i-1-r1", null, T.plusNanos(1), -5),
                new Heard("i-1-n3", null, null, 0),
                new Heard("ü-ñode", T.plusNanos(999_999), T.plusNanos(999_999), Long.MAX_VALUE),
                new Heard("old", Instant.parse("1969-12-31T23:59:59.5Z"), Instant.EPOCH, Long.MIN_VALUE)));
        assertThat(roundTrip(h)).isEqualTo(h);
        assertThat(roundTrip(new HeardNodes(List.of()))).isEqualTo(new HeardNodes(List.of()));
    }

    @Test
    void aPremiumInstancesHeartbeatPartIsTensOfBytes() {
        HeardNodes h = new HeardNodes(List.of(new Heard("i-1-n1", T, T, 734_003_200L),
                new Heard("i-1-n2", T.minusMillis(700), T.minusMillis(700), 734_003_000L),
                new Heard("i-1-n3", T.minusMillis(1400), T.minusMillis(1400), 734_002_000L)));
        assertThat(HeardNodesSerde.write(h).length).isLessThan(70);
    }

    @Test
    void anUnknownFormatOrACutValueIsRefusedWithTheReason() {
        assertThatThrownBy(() -> HeardNodesSerde.read(new byte[] {9, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("format 9");
        byte[] whole = HeardNodesSerde.write(new HeardNodes(List.of(new Heard("n", T, T, 1))));
        assertThatThrownBy(() -> HeardNodesSerde.read(java.util.Arrays.copyOf(whole, whole.length - 2)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("cut short");
    }
}
