package io.datastores.provisioning.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** {@code GET /instances/{id}} answers the fields it always answered, in their order. */
class InstanceStateViewTest {

    @Test
    void theAnswerKeepsItsFields() {
        assertThat(Arrays.stream(InstanceStateView.class.getRecordComponents())
                .map(RecordComponent::getName)).containsExactly("status", "instance", "plan",
                        "allowlist", "nodes", "nodeCount", "nextNode", "epoch", "trialEndsAt",
                        "requestIds", "replacements", "earlyNodes", "earlyFailovers", "endpoint",
                        "attempts", "nodeFailures", "failureReason", "retiredNodes",
                        "earlyFailures");
    }
}
