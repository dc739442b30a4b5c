package io.datastores.bench.jmh;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.datastores.failover.domain.FailoverCommand;
import io.datastores.failover.domain.FailoverDecider;
import io.datastores.failover.domain.FailoverEvent;
import io.datastores.failover.domain.FailoverPolicy;
import io.datastores.failover.domain.InstanceHealth;
import io.datastores.failover.domain.RegionCommand;
import io.datastores.failover.domain.RegionEvent;
import io.datastores.failover.domain.RegionGuardDecider;
import io.datastores.failover.domain.RegionState;
import io.datastores.failover.domain.Role;

/**
 * The deciders' pure work per command, with no Kafka: failover's decision on a heartbeat (the most
 * frequent command) and on a primary's loss (promotion), and the region guard deciding a batch of
 * signals in event time; and the state round trip the shell adds to each heartbeat (a Premium
 * instance's state, three nodes, read and written as JSON).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DeciderBenchmark {

    private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");
    private final FailoverDecider failover = new FailoverDecider(FailoverPolicy.defaults());
    private final RegionGuardDecider guard = new RegionGuardDecider(RegionGuardDecider.Guard.defaults());
    private InstanceHealth premium;
    private RegionState region;
    private List<RegionCommand.Signal> twentySuspicions;
    private long position = 10_000;
    private final io.datastores.kit.json.JsonSerde<InstanceHealth> textSerde =
            new io.datastores.kit.json.JsonSerde<>(InstanceHealth.class);
    private final io.datastores.kit.json.StateSerde<InstanceHealth> stateSerde =
            new io.datastores.kit.json.StateSerde<>(InstanceHealth.class);
    private final io.datastores.failover.topology.HeardNodesSerde heardSerde =
            new io.datastores.failover.topology.HeardNodesSerde();
    private final io.datastores.failover.domain.HeartbeatSplit split =
            new io.datastores.failover.domain.HeartbeatSplit();
    private byte[] premiumBytes;
    private byte[] premiumText;

    @Setup
    public void setUp() {
        InstanceHealth s = failover.initialState();
        s = apply(s, new FailoverCommand.Track("i-1", "AWS:us-east-1", "PREMIUM-8",
                io.datastores.failover.domain.Tier.PREMIUM, 3, "i-1.db"), T);
        s = apply(s, new FailoverCommand.RecordNodes("i-1", List.of(
                new FailoverCommand.PlannedNode("i-1-n1", Role.PRIMARY, "a", "10.0.0.1"),
                new FailoverCommand.PlannedNode("i-1-n2", Role.STANDBY, "b", "10.0.0.2"),
                new FailoverCommand.PlannedNode("i-1-n3", Role.STANDBY, "c", "10.0.0.3"))), T);
        for (int i = 0; i < 30; i++) {
            for (String n : List.of("i-1-n1", "i-1-n2", "i-1-n3")) {
                s = apply(s, new FailoverCommand.Heartbeat("i-1", n, n.endsWith("1") ? Role.PRIMARY : Role.STANDBY,
                        1_000L * i, 1L), T.plusSeconds(i));
            }
        }
        premium = s;
        premiumBytes = stateSerde.serializer().serialize("state", premium);
        premiumText = textSerde.serializer().serialize("state", premium);
        region = applyRegion(guard.initialState(), new RegionCommand.Count(300, T, "c-1"));
        List<RegionCommand.Signal> signals = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            signals.add(new RegionCommand.Suspect("i-" + i, "n", T.plusMillis(10L * i), "s-" + i));
        }
        twentySuspicions = List.copyOf(signals);
    }

    private InstanceHealth apply(InstanceHealth s, FailoverCommand c, Instant at) {
        for (FailoverEvent e : failover.decide(c, s, at)) {
            s = failover.evolve(s, e);
        }
        return s;
    }

    private RegionState applyRegion(RegionState s, RegionCommand c) {
        for (RegionEvent e : guard.decide(c, s, T)) {
            s = guard.evolve(s, e);
        }
        return s;
    }

    @Benchmark
    public InstanceHealth heartbeat() {
        position += 10;
        return apply(premium, new FailoverCommand.Heartbeat("i-1", "i-1-n2", Role.STANDBY, position, 1L),
                T.plusSeconds(31));
    }

    /** The whole instance's state read from the store (binary; only when not known decoded). */
    @Benchmark
    public InstanceHealth stateRead() {
        return stateSerde.deserializer().deserialize("state", premiumBytes);
    }

    /** ...as the previous version stored it (JSON text). */
    @Benchmark
    public InstanceHealth stateReadText() {
        return textSerde.deserializer().deserialize("state", premiumText);
    }

    /** The whole instance's state written (binary; only when more than a heartbeat changed it). */
    @Benchmark
    public byte[] stateWrite() {
        return stateSerde.serializer().serialize("state", premium);
    }

    /** What a heartbeat writes: the instance's heard nodes, split off and encoded. */
    @Benchmark
    public byte[] heartbeatWrite() {
        return heardSerde.serializer().serialize("state", split.hot(premium));
    }

    @Benchmark
    public InstanceHealth primaryLost() {
        return apply(premium, new FailoverCommand.ReportFailure("i-1", "i-1-n1", "gone", 1L),
                T.plusSeconds(31));
    }

    @Benchmark
    public RegionState regionSettlesTwentySuspicions() {
        return applyRegion(region, new RegionCommand.Advance(T.plusSeconds(10), twentySuspicions));
    }
}
