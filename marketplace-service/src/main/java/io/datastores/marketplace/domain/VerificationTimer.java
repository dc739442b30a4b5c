package io.datastores.marketplace.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;

import io.datastores.kit.decider.Timer;
import io.datastores.marketplace.domain.MarketplaceCommand.ExpireVerification;
import io.datastores.marketplace.domain.MarketplaceState.PendingCredential;

/**
 * What time owes an instance's pending verifications: the oldest one the data plane has not
 * answered within {@code timeout} of its request (event time) is expired, and so refused.
 */
public record VerificationTimer(Duration timeout) implements Timer<MarketplaceCommand, MarketplaceState> {

    @Override
    public Optional<Due<MarketplaceCommand>> due(String key, MarketplaceState state, Instant now) {
        if (state == null) {
            return Optional.empty();
        }
        return state.pending().stream().min(Comparator.comparing(PendingCredential::requestedAt))
                .filter(p -> !p.requestedAt().plus(timeout).isAfter(now))
                .map(p -> new Due<>(new ExpireVerification(p.requestId(), timeout), p.requestedAt().plus(timeout)));
    }
}
