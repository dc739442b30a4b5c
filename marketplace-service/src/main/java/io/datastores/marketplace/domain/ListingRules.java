package io.datastores.marketplace.domain;

import static io.datastores.marketplace.domain.Refusals.reject;

import java.util.List;

import io.datastores.marketplace.domain.MarketplaceCommand.Request;
import io.datastores.marketplace.domain.MarketplaceEvent.ListingAdded;
import io.datastores.marketplace.domain.MarketplaceEvent.ListingRemoved;
import io.datastores.marketplace.domain.MarketplaceEvent.RejectionCode;

/**
 * Listings: an instance is listed only while it exists, is not deleted, and has an active credential;
 * removing the listing blocks new connections and leaves existing ones working.
 */
final class ListingRules {

    private ListingRules() {
    }

    static List<MarketplaceEvent> add(Request r, MarketplaceState s) {
        if (s.listed()) {
            return List.of();
        }
        return s.activeCredentials().isEmpty()
                ? reject(r, s, RejectionCode.NO_ACTIVE_CREDENTIAL,
                        "an instance is listed only with at least one active credential; import one first")
                : List.of(new ListingAdded(r.requestId(), s.organizationId()));
    }

    static List<MarketplaceEvent> remove(Request r, MarketplaceState s) {
        return s.listed() ? List.of(new ListingRemoved(r.requestId(), s.organizationId(), "removed on request"))
                : reject(r, s, RejectionCode.NOT_LISTED, "the instance is not in the marketplace");
    }
}
