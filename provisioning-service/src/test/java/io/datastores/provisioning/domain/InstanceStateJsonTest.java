package io.datastores.provisioning.domain;

import static io.datastores.provisioning.domain.Fixtures.CATALOG;
import static io.datastores.provisioning.domain.Fixtures.T;
import static io.datastores.provisioning.domain.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.datastores.kit.json.JsonSerde;
import io.datastores.provisioning.domain.InstanceCommand.ChangePlan;
import io.datastores.provisioning.domain.InstanceCommand.DeleteInstance;
import io.datastores.provisioning.domain.InstanceCommand.ExpireTrial;
import io.datastores.provisioning.domain.InstanceCommand.RecordNodeProvisioned;
import io.datastores.provisioning.domain.InstanceCommand.RecordPromotion;
import io.datastores.provisioning.domain.InstanceCommand.RecordProvisioningFailure;
import io.datastores.provisioning.domain.InstanceCommand.RecordRejoin;
import io.datastores.provisioning.domain.InstanceCommand.RecordReplacement;
import io.datastores.provisioning.domain.InstanceState.Status;

/** The state as JSON text (which the store still reads) reads back every phase as it was. */
class InstanceStateJsonTest {

    private final InstanceDecider decider = new InstanceDecider(CATALOG);
    private final JsonSerde<InstanceState> serde = new JsonSerde<>(InstanceState.class);

    private InstanceState given(InstanceCommand... commands) {
        InstanceState state = decider.initialState();
        for (InstanceCommand c : commands) {
            state = decider.fold(state, decider.decide(c, state, T));
        }
        return state;
    }

    private static RecordNodeProvisioned up(String node) {
        return new RecordNodeProvisioned("i-1", node, node + ".host", "10.0.0." + node.length(),
                "z", "127.0.0.1", 6432);
    }

    private static RecordProvisioningFailure failed(String node, int attempt, boolean retryable) {
        return new RecordProvisioningFailure("i-1", node, attempt, "initdb: no space left",
                retryable);
    }

    /** An instance in each phase, with every part of its state filled where the phase has it. */
    private Map<Status, InstanceState> phases() {
        Map<Status, InstanceState> states = new LinkedHashMap<>();
        states.put(Status.NEW, given(up("i-1-n1"),
                new RecordReplacement("i-1", "i-1-n1", "i-1-r1", NodeRole.PRIMARY, "z", 2),
                new RecordRejoin("i-1", "i-1-n1", 3, "10.0.0.9", "z"), failed("i-1-n2", 1, true)));
        states.put(Status.PROVISIONING, given(request("PREMIUM-8", Engine.POSTGRESQL),
                up("i-1-n1"), failed("i-1-n2", 1, true)));
        states.put(Status.READY, given(request("PREMIUM-8", Engine.POSTGRESQL), up("i-1-n1"),
                up("i-1-n2"), up("i-1-n3"), new RecordPromotion("i-1", "i-1-n2", 2),
                new RecordReplacement("i-1", "i-1-n1", "i-1-r1", NodeRole.STANDBY, "z",
                        2),
                new RecordProvisioningFailure("i-1", "i-1-r1", 1, "capacity", false)));
        states.put(Status.CHANGING, given(request("HOBBYIST", Engine.CACHE), up("i-1-n1"),
                new ChangePlan("r-up", "org-1", "i-1", "BUSINESS-8")));
        states.put(Status.SUSPENDED, given(request("HOBBYIST", Engine.MYSQL)
                .withTrialEndsAt(T.plus(Entitlement.TRIAL)), up("i-1-n1"),
                new ExpireTrial("i-1")));
        states.put(Status.FAILED, given(request("BUSINESS-4", Engine.POSTGRESQL),
                failed("i-1-n2", 1, false)));
        states.put(Status.DELETED, given(request("HOBBYIST", Engine.POSTGRESQL), up("i-1-n1"),
                new DeleteInstance("r-del", "org-1", "i-1")));
        return states;
    }

    @Test
    @DisplayName("a state in each phase serializes and reads back equal")
    void everyPhaseRoundTrips() {
        Map<Status, InstanceState> phases = phases();
        phases.forEach((status, state) -> assertThat(state.status()).as("the %s example", status)
                .isEqualTo(status));
        assertThat(phases.keySet()).containsExactlyInAnyOrder(Status.values());
        for (InstanceState state : phases.values()) {
            byte[] json = serde.serializer().serialize("instances", state);
            assertThat(serde.deserializer().deserialize("instances", json)).as(new String(json))
                    .isEqualTo(state);
        }
    }

    @Test
    @DisplayName("the examples fill every part of the state")
    void theExamplesFillEveryPart() {
        Map<Status, InstanceState> phases = phases();
        InstanceState early = phases.get(Status.NEW);
        assertThat(early.early().nodes()).isNotEmpty();
        assertThat(early.early().failovers()).extracting(InstanceState.EarlyFailover::kind)
                .containsExactly(InstanceState.EarlyFailover.Kind.REPLACEMENT,
                        InstanceState.EarlyFailover.Kind.REJOIN);
        assertThat(early.early().failures()).isNotEmpty();
        assertThat(early.topology().endpoint()).isNotNull();
        InstanceState provisioning = phases.get(Status.PROVISIONING);
        assertThat(provisioning.retries().attempts()).isNotEmpty();
        assertThat(provisioning.retries().failures()).isNotEmpty();
        InstanceState ready = phases.get(Status.READY);
        assertThat(ready.topology().replacements()).isNotEmpty();
        assertThat(ready.topology().retired()).isNotEmpty();
        assertThat(ready.topology().epoch()).isEqualTo(2);
        assertThat(phases.get(Status.SUSPENDED).terms().trialEndsAt()).isNotNull();
        assertThat(phases.get(Status.FAILED).failureReason()).contains("no space left");
        assertThat(Arrays.stream(Status.values()).map(phases::get))
                .allSatisfy(s -> assertThat(s.requestIds().isEmpty())
                        .isEqualTo(s.status() == Status.NEW));
    }
}
