package io.datastores.system;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link AbstractChaosIT}'s chaos on one broker, which is SIGKILLed once mid-run and restarted
 * after three seconds down (everything waits for it meanwhile).
 */
class ChaosIT extends AbstractChaosIT {

    @Override
    protected int brokerCount() {
        return 1;
    }

    @Override
    protected void brokerChaos(int round, int rounds, Load load) throws Exception {
        load.run();
        if (round == rounds / 2) {
            brokers.kill(1);
            await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
            brokers.restart(1);
        }
    }

    @Test
    @DisplayName("services and the broker killed under load: one primary each, failures handled once, no duplicate, read models equal a rebuild")
    void invariantsHold() throws Exception {
        invariantsHoldAfterChaos();
    }
}
