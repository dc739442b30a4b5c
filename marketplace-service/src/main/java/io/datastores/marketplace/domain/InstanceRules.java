package io.datastores.marketplace.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.datastores.marketplace.domain.MarketplaceCommand.AdminIssued;
import io.datastores.marketplace.domain.MarketplaceCommand.Know;
import io.datastores.marketplace.domain.MarketplaceCommand.Serve;
import io.datastores.marketplace.domain.MarketplaceEvent.AdminPasswordIssued;
import io.datastores.marketplace.domain.MarketplaceEvent.Forgotten;
import io.datastores.marketplace.domain.MarketplaceEvent.Known;
import io.datastores.marketplace.domain.MarketplaceEvent.ListingRemoved;
import io.datastores.marketplace.domain.MarketplaceEvent.SecretShredded;
import io.datastores.marketplace.domain.MarketplaceEvent.Serving;

/**
 * What the marketplace learns of an instance from the other services: that it exists, where it
 * serves, its super admin's password, and its deletion (which ends its listing and its secrets).
 */
final class InstanceRules {

    private InstanceRules() {
    }

    static List<MarketplaceEvent> know(Know k, MarketplaceState s) {
        return s.known() ? List.of() : List.of(new Known(k.organizationId(), k.displayName(), k.engine(), k.plan(),
                k.cloud(), k.region()));
    }

    static List<MarketplaceEvent> serve(Serve v, MarketplaceState s) {
        return s.deleted() ? List.of() : List.of(new Serving(v.serviceHost(), v.port(), v.tlsRequired(),
                v.hostAddress()));
    }

    /** The super admin's password the data plane issued, sealed as it came; the newest wins. */
    static List<MarketplaceEvent> adminIssued(AdminIssued a, MarketplaceState s) {
        boolean same = s.adminPassword() != null && Arrays.equals(s.adminPassword().sealedPassword(),
                a.sealedPassword());
        return s.deleted() || same || a.sealedPassword() == null ? List.of()
                : List.of(new AdminPasswordIssued(a.username(), a.sealedPassword(), a.sealKeyId()));
    }

    /** The instance deleted: its listing ends, and every secret held for it. */
    static List<MarketplaceEvent> forget(MarketplaceState s) {
        if (s.deleted()) {
            return List.of();
        }
        List<MarketplaceEvent> events = new ArrayList<>();
        if (s.listed()) {
            events.add(new ListingRemoved(null, s.organizationId(), "the instance was deleted"));
        }
        s.credentials().stream().filter(c -> c.encryptedSecret() != null).forEach(c -> events.add(
                new SecretShredded(c.credentialId(), "the instance was deleted")));
        s.connections().stream().filter(c -> c.encryptedSecret() != null).forEach(c -> events.add(
                new SecretShredded(c.connectionId(), "the instance was deleted")));
        s.pending().stream().filter(c -> c.encryptedSecret() != null).forEach(c -> events.add(
                new SecretShredded(c.credentialId(), "the instance was deleted")));
        events.add(new Forgotten());
        return events;
    }
}
