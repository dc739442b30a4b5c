package io.datastores.failover.config;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.streams.kstream.KStream;

import io.datastores.events.FailoverEventEnvelope;
import io.datastores.failover.domain.FailoverDecider;
import io.datastores.failover.domain.FailoverPolicy;
import io.datastores.failover.domain.Tier;
import io.datastores.failover.domain.RegionGuardDecider;
import io.datastores.failover.topology.FailoverTopology;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.service.PlatformBeans.PreparedPlatform;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import jakarta.inject.Singleton;

/**
 * Wires {@link FailoverTopology} onto Micronaut's default stream builder. Settings (defaults):
 * {@code dcp.failover.heartbeat-timeout} (3s: three beats of the
 * data plane, which beats every second), {@code dcp.failover.catch-up-wait} (30s),
 * {@code dcp.failover.confirm-timeout} (20s), {@code dcp.failover.lag-budget-bytes} (1048576, Business
 * and Premium), {@code dcp.failover.stability} (10s), {@code dcp.failover.minor-limit} (3 in
 * {@code dcp.failover.minor-window}, 15m), {@code dcp.failover.unknown-instance-grace} (10m: telemetry of an
 * instance never accepted is dropped after it, with the reason), {@code dcp.failover.switchover-timeout}
 * (30s: a planned switchover the data plane has not prepared by then is aborted),
 * {@code dcp.failover.region.settle} (1500ms:
 * nodes silenced together are suspected within a beat of each other), {@code dcp.failover.region.pause-share}
 * (0.3), {@code dcp.failover.region.min-silent} (5), {@code dcp.failover.region.lateness} (500ms: how late a
 * signal may reach the guard and still be decided in its place), {@code dcp.failover.timer-interval} (how
 * often the timer marks the time heard in each telemetry partition, where silence is then decided and
 * from where each partition tells the guards how far it has decided, 250ms). With these a primary that falls silent is failed over about 5 s after its last heartbeat
 * (measured with real servers in {@code DataPlaneIT}).
 */
@Factory
public class FailoverStreams {

    @Singleton
    FailoverDecider failoverDecider(@Value("${dcp.failover.heartbeat-timeout:3s}") Duration heartbeatTimeout,
            @Value("${dcp.failover.catch-up-wait:30s}") Duration catchUpWait,
            @Value("${dcp.failover.confirm-timeout:20s}") Duration confirmTimeout,
            @Value("${dcp.failover.lag-budget-bytes:1048576}") long lagBudget,
            @Value("${dcp.failover.stability:10s}") Duration stability,
            @Value("${dcp.failover.minor-limit:3}") int minorLimit,
            @Value("${dcp.failover.minor-window:15m}") Duration minorWindow,
            @Value("${dcp.failover.unknown-instance-grace:10m}") Duration unknownInstanceGrace,
            @Value("${dcp.failover.switchover-timeout:30s}") Duration switchoverTimeout) {
        return new FailoverDecider(new FailoverPolicy(heartbeatTimeout, catchUpWait, confirmTimeout,
                Map.of(Tier.BUSINESS, lagBudget, Tier.PREMIUM, lagBudget), stability, minorLimit, minorWindow,
                unknownInstanceGrace, switchoverTimeout));
    }

    @Singleton
    RegionGuardDecider regionGuard(@Value("${dcp.failover.region.settle:1500ms}") Duration settle,
            @Value("${dcp.failover.region.pause-share:0.3}") double share,
            @Value("${dcp.failover.region.min-silent:5}") int minSilent,
            @Value("${dcp.failover.region.lateness:500ms}") Duration lateness) {
        return new RegionGuardDecider(new RegionGuardDecider.Guard(settle, share, minSilent, lateness));
    }

    @Singleton
    KStream<String, FailoverEventEnvelope> failover(ConfiguredStreamBuilder builder, ContractSerdes serdes,
            FailoverDecider decider, RegionGuardDecider guard, Clock clock,
            @Value("${dcp.failover.timer-interval:250ms}") Duration timerInterval, PreparedPlatform platform,
            @Value("${dcp.shadow:false}") boolean shadow) {
        return FailoverTopology.build(builder, serdes, decider, guard, clock, timerInterval, !shadow);
    }
}
