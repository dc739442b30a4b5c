package io.datastores.marketplace.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.datastores.kit.decider.EventMeta;
import io.datastores.marketplace.domain.MarketplaceCommand.CredentialKind;
import io.datastores.marketplace.domain.MarketplaceEvent.RejectionCode;

class ListingProjectionTest {

    private final ListingProjection projection = new ListingProjection();
    private final EventMeta meta = new EventMeta("e1", "c", null, Instant.ofEpochSecond(10), "test");

    @Test
    void aListingShowsWhatTheInstanceIsItsCredentialsNamesAndConnections() {
        ListingView v = projection.initial("i-1");
        v = projection.apply(v, new MarketplaceEvent.Known("org", "orders", Engine.POSTGRESQL, "PREMIUM-4", Cloud.AWS,
                "us-east-1"), meta);
        v = projection.apply(v, new MarketplaceEvent.ListingAdded("r1", "org"), meta);
        v = projection.apply(v, new MarketplaceEvent.CredentialImported("r2", "c-1", "org", CredentialKind.CREATED,
                "app", "prod", "app", new byte[0]), meta);
        v = projection.apply(v, new MarketplaceEvent.ConnectionCreated("r3", "k-1", "web", "prod", "c-1", "h", 5432,
                true, "defaultdb", "app", new byte[0], null), meta);

        assertThat(v.offering().plan()).isEqualTo("PREMIUM-4");
        assertThat(v.listed()).isTrue();
        assertThat(v.credentialsByEnvironment()).isEqualTo(Map.of("prod", List.of("app [c-1]")));
        assertThat(v.activeConnections()).isEqualTo(1);
        assertThat(v.updatedAt()).isEqualTo(Instant.ofEpochSecond(10));
    }

    /**
     * Every marketplace event has its rule, if only that the view does not show it: Java 17 cannot
     * check the projection's chain is exhaustive, so this sample of each member of
     * {@link MarketplaceEvent} does.
     */
    @Test
    void everyEventHasARule() {
        List<MarketplaceEvent> samples = List.of(
                new MarketplaceEvent.Known("org", "orders", Engine.POSTGRESQL, "PREMIUM-4", Cloud.AWS, "us-east-1"),
                new MarketplaceEvent.Serving("h", 5432, true, null),
                new MarketplaceEvent.AdminPasswordIssued("admin", new byte[0], "k"),
                new MarketplaceEvent.VerificationRequested("r", "c-1", "org", "app", "prod", "app", new byte[0],
                        new byte[0], "k", Instant.EPOCH),
                new MarketplaceEvent.Forgotten(),
                new MarketplaceEvent.CredentialImported("r", "c-1", "org", CredentialKind.CREATED, "app", "prod", "app",
                        new byte[0]),
                new MarketplaceEvent.CredentialDeleted("r", "c-1"), new MarketplaceEvent.ListingAdded("r", "org"),
                new MarketplaceEvent.ListingRemoved("r", "org", "why"),
                new MarketplaceEvent.ConnectionCreated("r", "k-1", "web", "prod", "c-1", "h", 5432, true, "db", "app",
                        new byte[0], null),
                new MarketplaceEvent.ConnectionRemoved("r", "k-1"), new MarketplaceEvent.SecretShredded("k", "why"),
                new MarketplaceEvent.Rejected("r", "org", MarketplaceCommand.Action.CREATE_CONNECTION, RejectionCode.NOT_LISTED, "why"));

        assertThat(samples.stream().<Class<?>>map(Object::getClass).collect(Collectors.toSet()))
                .as("a sample of each event").isEqualTo(Set.of(MarketplaceEvent.class.getPermittedSubclasses()));
        ListingView v = projection.initial("i-1");
        for (MarketplaceEvent e : samples) {
            assertThat(projection.apply(v, e, meta)).as("%s", e).isNotNull();
        }
    }
}
