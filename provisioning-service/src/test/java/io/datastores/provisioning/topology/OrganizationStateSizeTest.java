package io.datastores.provisioning.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.datastores.kit.json.JsonSerde;
import io.datastores.kit.json.StateSerde;
import io.datastores.provisioning.config.CatalogLoader;
import io.datastores.provisioning.domain.Cloud;
import io.datastores.provisioning.domain.Engine;
import io.datastores.provisioning.domain.InstanceCommand.RequestInstance;
import io.datastores.provisioning.domain.OrganizationCommand;
import io.datastores.provisioning.domain.OrganizationCommand.Outcome;
import io.datastores.provisioning.domain.OrganizationDecider;
import io.datastores.provisioning.domain.OrganizationState;
import io.datastores.provisioning.domain.OrganizationTier;
import io.datastores.provisioning.domain.RequestValidation;

/**
 * An organization holding as many instances as it may, each with the longest display name and
 * long ids, is one record well under the 1 MB a changelog record may have: the cap keeps the
 * stream thread from dying on RecordTooLargeException.
 */
class OrganizationStateSizeTest {

    /** The size of a record the broker and the producer take by default. */
    private static final int RECORD_LIMIT = 1_048_576;
    private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

    private static String padded(String prefix, int n, int length) {
        String number = Integer.toString(n);
        return prefix + "x".repeat(length - prefix.length() - number.length()) + number;
    }

    @Test
    @DisplayName("an organization at the cap, with the longest names, is under half a record")
    void anOrganizationAtTheCapFitsOneRecord() throws IOException {
        OrganizationDecider decider;
        try (InputStream in = getClass().getResourceAsStream("/catalog.json")) {
            decider = new OrganizationDecider(CatalogLoader.read(in));
        }
        OrganizationState state = decider.fold(decider.initialState(), decider.decide(
                new OrganizationCommand.ChangeTier("org-1", OrganizationTier.PAID),
                decider.initialState(), T));
        for (int n = 1; n <= OrganizationDecider.MAX_INSTANCES; n++) {
            RequestInstance r = new RequestInstance(padded("r-", n, 64), "org-1",
                    padded("i-", n, 64), padded("db", n, RequestValidation.MAX_DISPLAY_NAME),
                    Engine.POSTGRESQL, Cloud.AWS, "us-east-1", "BUSINESS-16", true, List.of(),
                    null, null);
            state = decider.fold(state, decider.decide(new OrganizationCommand.Screen(r), state,
                    T));
            state = decider.fold(state, decider.decide(new OrganizationCommand.RecordOutcome(
                    Outcome.ACCEPTED, r.instanceId(), r.requestId(), r.plan(), false), state, T));
        }
        assertThat(state.held()).isEqualTo(OrganizationDecider.MAX_INSTANCES);
        assertThat(state.names()).hasSize(OrganizationDecider.MAX_INSTANCES);

        int binary = new StateSerde<>(OrganizationState.class).serializer()
                .serialize("organizations", state).length;
        int text = JsonSerde.MAPPER.writeValueAsBytes(state).length;
        assertThat(binary).isLessThan(RECORD_LIMIT / 2);
        assertThat(text).as("the JSON the previous version wrote").isLessThan(RECORD_LIMIT / 2);
    }
}
