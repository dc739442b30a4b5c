package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link AbstractChaosIT}'s chaos on a cluster of three brokers in production's shape (replication
 * factor 3, {@code min.insync.replicas=2}, the offsets and transaction logs likewise). From the
 * second round on, a broker is SIGKILLed before the round's load and restarted after it, so that
 * instances are created and primaries fail while it is down: first the broker leading the most
 * partitions, then the one coordinating the most of the services' transactions, alternating
 * ({@code chaos.broker-kills} in all: 2 by default, 6 in the {@code full} profile), and one service
 * process too (10 in the full profile). Every invariant of the single-broker chaos must hold, and no
 * partition is left under-replicated.
 */
class ClusterChaosIT extends AbstractChaosIT {

    private static final int BROKER_KILLS = Integer.getInteger("chaos.broker-kills", 2);
    /** The services' own kills are ChaosIT's subject: one here in CI, as many as ChaosIT's in -Pfull. */
    private static final int SERVICE_KILLS = Integer.getInteger("chaos.cluster.service-kills", 1);
    private final List<String> killed = new ArrayList<>();

    @Override
    protected int brokerCount() {
        return 3;
    }

    @Override
    protected int serviceKills() {
        return SERVICE_KILLS;
    }


    @Override
    protected void brokerChaos(int round, int rounds, Load load) throws Exception {
        int kill = round - 1;
        if (kill < 0 || kill >= BROKER_KILLS) {
            load.run();
            return;
        }
        int victim;
        if (kill % 2 == 0) {
            victim = brokers.leadingTheMost();
            killed.add("broker " + victim + " leading " + brokers.leadersByMember().get(victim) + " partitions");
        } else {
            Map.Entry<Integer, Integer> coordinator = brokers.coordinatingTheMostTransactions();
            victim = coordinator.getKey();
            killed.add("broker " + victim + " coordinating " + coordinator.getValue() + " transactional ids");
        }
        brokers.kill(victim);
        load.run(); // instances created and a primary failed with a broker down
        brokers.restart(victim);
    }

    @Test
    @DisplayName("three brokers: the partition leader and the transaction coordinator killed under load, every chaos invariant holds")
    void invariantsHold() throws Exception {
        assertThat(brokers.replicasByTopic()).as("every topic has three replicas").allSatisfy((topic, replicas) ->
                assertThat(replicas).as(topic).isEqualTo(3));
        invariantsHoldAfterChaos();
        assertThat(killed).as("brokers killed").hasSize(Math.min(BROKER_KILLS, Math.max(SERVICE_KILLS, 4) - 1));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(brokers.underReplicated()).as("under-replicated partitions").isEmpty());
    }

    @AfterAll
    void report() {
        System.out.println("ClusterChaosIT killed: " + killed);
    }
}
