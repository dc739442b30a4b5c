package io.datastores.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The capacity figure derived from failover-service's measured rate. */
class ThroughputTest {

    @Test
    void oneProcessKeepsUpWithItsRateTimesTheHeartbeatPeriodOverThreeNodes() {
        // 1,500 heartbeats/s, a heartbeat every 2 s per node, 3 nodes: 1,000 Premium instances
        assertThat(Throughput.instancesKeptUpWith(1_500)).isEqualTo(1_000.0);
        assertThat(Throughput.NODES_PER_INSTANCE).isEqualTo(3);
    }
}
