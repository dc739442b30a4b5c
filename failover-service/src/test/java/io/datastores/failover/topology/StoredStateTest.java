package io.datastores.failover.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.datastores.failover.domain.HeartbeatSplit;
import io.datastores.failover.domain.InstanceHealth;
import io.datastores.kit.json.StateSerde;

/**
 * State the previous version stored (JSON, in src/test/resources/state) reads with this version's
 * serde, means what it meant, and survives this version's binary form and split unchanged.
 */
class StoredStateTest {

    private final StateSerde<InstanceHealth> serde = new StateSerde<>(InstanceHealth.class);

    private InstanceHealth stored(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/state/" + name)) {
            return serde.deserializer().deserialize("t", in.readAllBytes());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1-rewound-and-rejoined.json", "v1-switchover-completed.json", "v1-promoted.json",
            "v1-restoring.json"})
    void previousVersionsStateReadsAndRoundTripsThroughTheBinaryFormAndTheSplit(String name) throws IOException {
        InstanceHealth old = stored(name);
        assertThat(old.tracked()).isTrue();
        assertThat(old.nodes()).isNotEmpty().allSatisfy(n -> assertThat(n.nodeId()).isNotBlank());

        byte[] binary = serde.serializer().serialize("t", old);
        assertThat(serde.deserializer().deserialize("t", binary)).isEqualTo(old);

        HeartbeatSplit split = new HeartbeatSplit();
        byte[] hot = HeardNodesSerde.write(split.hot(old));
        InstanceHealth cold = serde.deserializer().deserialize("t", serde.serializer().serialize("t",
                split.cold(old)));
        assertThat(split.join(cold, HeardNodesSerde.read(hot))).isEqualTo(old);
    }

    @org.junit.jupiter.api.Test
    void aRewoundPrimarysStateMeansWhatItMeant() throws IOException {
        InstanceHealth s = stored("v1-rewound-and-rejoined.json");
        assertThat(s.epoch()).isEqualTo(2);
        assertThat(s.tier()).isEqualTo(io.datastores.failover.domain.Tier.PREMIUM);
        assertThat(s.primary().orElseThrow().nodeId()).isEqualTo("i-1-n3");
        assertThat(s.node("i-1-n1").orElseThrow().lastHeartbeatAt())
                .isEqualTo(Instant.parse("2026-11-22T10:00:06Z"));
        assertThat(s.node("i-1-n1").orElseThrow().position()).isEqualTo(9_960);
        InstanceHealth.Failover done = s.history().get(0);
        assertThat(done.promotedNodeId()).isEqualTo("i-1-n3");
        assertThat(done.toEpoch()).isEqualTo(2);
        assertThat(done.dataLossBytes()).isEqualTo(100);
        assertThat(done.measuredLoss().lostBytes()).isEqualTo(50);
        assertThat(done.phases()).hasSize(8);
        assertThat(s.retired()).containsExactly("i-1-r1");
    }

    @org.junit.jupiter.api.Test
    void theBinaryFormIsSmallerThanTheText() throws IOException {
        InstanceHealth s = stored("v1-rewound-and-rejoined.json");
        int text = io.datastores.kit.json.JsonSerde.MAPPER.writeValueAsBytes(s).length;
        int binary = serde.serializer().serialize("t", s).length;
        assertThat(binary).isLessThan(text);
    }
}
