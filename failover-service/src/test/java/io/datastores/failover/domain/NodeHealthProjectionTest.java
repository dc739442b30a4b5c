package io.datastores.failover.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.datastores.kit.decider.EventMeta;

class NodeHealthProjectionTest {

    private final NodeHealthProjection projection = new NodeHealthProjection();

    private static EventMeta at(long second) {
        return new EventMeta("e" + second, "c", null, Instant.ofEpochSecond(second), "test");
    }

    @Test
    void heartbeatsOnEventTimeAndALateOneChangesNothing() {
        NodeHealthView v = projection.initial("i-1");
        v = projection.apply(v, new HealthSignal.NodesPlanned(List.of(new HealthSignal.Planned("n1", "PRIMARY", "a"),
                new HealthSignal.Planned("n2", "STANDBY", "b"))), at(1));
        v = projection.apply(v, new HealthSignal.Heartbeat("n1", "PRIMARY", 500, 1), at(10));
        NodeHealthView late = projection.apply(v, new HealthSignal.Heartbeat("n1", "PRIMARY", 400, 1), at(5));
        assertThat(late).isEqualTo(v);
        assertThat(v.nodes().get(0).lastHeartbeatAt()).isEqualTo(Instant.ofEpochSecond(10));
        assertThat(v.nodes().get(0).position()).isEqualTo(500);
        assertThat(v.nodes().get(1).lastHeartbeatAt()).isNull();
    }

    @Test
    void diagnosticsAndPlatformReportsAreKeptPerNode() {
        NodeHealthView v = projection.initial("i-1");
        v = projection.apply(v, new HealthSignal.Diagnostics("n1", "MINOR", "process restarted"), at(1));
        v = projection.apply(v, new HealthSignal.Reported("n2", "host unreachable"), at(2));
        assertThat(v.nodes()).extracting(NodeHealthView.NodeHealth::lastSeverity).containsExactly("MINOR", "SEVERE");
        assertThat(projection.apply(v, new HealthSignal.Deleted(), at(3)).deleted()).isTrue();
    }
}
