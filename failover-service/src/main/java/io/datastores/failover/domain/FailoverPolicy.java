package io.datastores.failover.domain;

import java.time.Duration;
import java.util.Map;

/**
 * The numbers failover decides by, from configuration.
 *
 * @param heartbeatTimeout silence after which a node is suspected (the data plane beats every 2 s)
 * @param catchUpWait how long a blocked failover waits for a standby to qualify before it promotes
 *     the most advanced one anyway, with the loss reported
 * @param confirmTimeout how long a promoted standby has to report itself primary at the new epoch
 *     before it is declared lost in turn
 * @param lagBudgetBytes per tier: how far behind the lost primary a standby may be and still be
 *     promoted without waiting (Patroni's {@code maximum_lag_on_failover})
 * @param stability how long a standby must have been heard continuously since its last suspicion
 *     to be a candidate (hysteresis against flapping)
 * @param minorLimit minor failures within {@code minorWindow} after which a node counts as lost
 * @param unknownInstanceGrace how long telemetry of an instance failover has never been told of is
 *     kept (a rebuild may read it before the instance's acceptance); then it is dropped, with the reason
 * @param switchoverTimeout how long the data plane has to prepare a planned switchover (pause, stop the
 *     primary, let the target catch up) before it is aborted
 */
public record FailoverPolicy(Duration heartbeatTimeout, Duration catchUpWait, Duration confirmTimeout,
        Map<Tier, Long> lagBudgetBytes, Duration stability, int minorLimit, Duration minorWindow,
        Duration unknownInstanceGrace, Duration switchoverTimeout) {

    public FailoverPolicy(Duration heartbeatTimeout, Duration catchUpWait, Duration confirmTimeout,
            Map<Tier, Long> lagBudgetBytes, Duration stability, int minorLimit, Duration minorWindow) {
        this(heartbeatTimeout, catchUpWait, confirmTimeout, lagBudgetBytes, stability, minorLimit, minorWindow,
                Duration.ofMinutes(10), Duration.ofSeconds(30));
    }

    public static final long ONE_MIB = 1L << 20;

    public static FailoverPolicy defaults() {
        return new FailoverPolicy(Duration.ofSeconds(6), Duration.ofSeconds(30), Duration.ofSeconds(20),
                Map.of(Tier.BUSINESS, ONE_MIB, Tier.PREMIUM, ONE_MIB), Duration.ofSeconds(10), 3,
                Duration.ofMinutes(15));
    }

    public FailoverPolicy withHeartbeatTimeout(Duration timeout) {
        return new FailoverPolicy(timeout, catchUpWait, confirmTimeout, lagBudgetBytes, stability, minorLimit,
                minorWindow, unknownInstanceGrace, switchoverTimeout);
    }

    /** The lag budget of a tier; tiers without standbys have none. */
    public long lagBudget(Tier tier) {
        return lagBudgetBytes.getOrDefault(tier, 0L);
    }
}
