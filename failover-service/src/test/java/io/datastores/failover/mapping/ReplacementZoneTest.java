package io.datastores.failover.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.datastores.contract.Topics;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.ReplacementNodeRequested;
import io.datastores.failover.domain.FailoverEvent;
import io.datastores.failover.domain.Role;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.decider.EventMeta;
import io.datastores.kit.serde.ContractSerdes;

/**
 * A lost node known only from its heartbeats has no zone: its replacement is still published (any
 * zone), where a null broke the contract and stopped failover-service's task at every retry (seen in
 * a chaos run on a branch, 2026-12-06).
 */
class ReplacementZoneTest {

    @Test
    void aReplacementForANodeWithoutAZoneIsPublishedForAnyZone() {
        Envelope<FailoverEvent> replacement = new Envelope<>(new EventMeta("e-1", "i-1", null,
                Instant.parse("2026-12-06T03:28:05Z"), "failover-service"),
                new FailoverEvent.ReplacementRequested("i-1/failover-1", "n1", "i-1-r1", Role.STANDBY, null,
                        "AWS:eu-west-1", 1));

        FailoverEventEnvelope published = FailoverEvents.toAvro("i-1", replacement).orElseThrow();

        assertThat(((ReplacementNodeRequested) published.getPayload()).getZone()).isEmpty();
        byte[] bytes = new ContractSerdes("mock://replacement-zone").value(Topics.FAILOVER_EVENTS).serializer()
                .serialize(Topics.FAILOVER_EVENTS.name(), published);
        assertThat(bytes).isNotEmpty();
    }
}
