package io.datastores.marketplace.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.datastores.kit.json.StateSerde;
import io.datastores.marketplace.domain.Cloud;
import io.datastores.marketplace.domain.Engine;
import io.datastores.marketplace.domain.MarketplaceCommand;
import io.datastores.marketplace.domain.MarketplaceDecider;
import io.datastores.marketplace.domain.MarketplaceEvent.RejectionCode;
import io.datastores.marketplace.domain.MarketplaceState;

/**
 * State the previous version stored (its flat 18-field record as CBOR, in src/test/resources/state,
 * see its README) reads with this version's serde, means what it meant, and survives this version's
 * form unchanged.
 */
class StoredStateTest {

    private final MarketplaceStateSerde serde = new MarketplaceStateSerde();
    private final StateSerde<JsonNode> documents = new StateSerde<>(JsonNode.class);
    private final StateSerde<Object> writer = new StateSerde<>(Object.class);

    static Stream<String> fixtures() {
        return Stream.of("v1-known.cbor", "v1-listed-connected.cbor", "v1-local-pending.cbor", "v1-deleted.cbor");
    }

    private static byte[] bytes(String name) throws IOException {
        try (InputStream in = StoredStateTest.class.getResourceAsStream("/state/" + name)) {
            return in.readAllBytes();
        }
    }

    private MarketplaceState stored(String name) throws IOException {
        return serde.deserializer().deserialize("t", bytes(name));
    }

    /** This version's state laid out as the previous version's 18 fields, in its order. */
    private JsonNode flat(MarketplaceState s) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("organizationId", s.organizationId());
        f.put("displayName", s.displayName());
        f.put("engine", s.engine() == null ? null : s.engine().name());
        f.put("plan", s.plan());
        f.put("cloud", s.cloud() == null ? null : s.cloud().name());
        f.put("region", s.region());
        f.put("deleted", s.deleted());
        f.put("serviceHost", s.serviceHost());
        f.put("port", s.port());
        f.put("tlsRequired", s.tlsRequired());
        f.put("listed", s.listed());
        f.put("credentials", s.credentials());
        f.put("connections", s.connections());
        f.put("requestIds", s.requests().decided());
        f.put("refusals", s.requests().refusals());
        f.put("hostAddress", s.hostAddress());
        f.put("adminPassword", s.adminPassword());
        f.put("pending", s.pending());
        return documents.deserializer().deserialize("t", writer.serializer().serialize("t", f));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void eachFieldMovesOneToOne_laidOutFlatItIsTheStoredDocument(String name) throws IOException {
        assertThat(flat(stored(name))).isEqualTo(documents.deserializer().deserialize("t", bytes(name)));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void writtenBackInThisVersionsFormItReadsEqual(String name) throws IOException {
        MarketplaceState old = stored(name);
        byte[] now = serde.serializer().serialize("t", old);
        assertThat(documents.deserializer().deserialize("t", now).has("instance")).isTrue();
        assertThat(serde.deserializer().deserialize("t", now)).usingRecursiveComparison().isEqualTo(old);
    }

    @Test
    void aListedInstanceKeepsItsConnectionsDecidedRequestsAndRefusals() throws IOException {
        MarketplaceState s = stored("v1-listed-connected.cbor");
        assertThat(s.instance()).isEqualTo(new MarketplaceState.Instance("acme", "orders", Engine.POSTGRESQL,
                "BUSINESS-4", Cloud.AWS, "us-east-1", false));
        assertThat(s.endpoint()).isEqualTo(new MarketplaceState.Endpoint("orders.db.dcp.internal", null, 5432, true));
        assertThat(s.listed()).isTrue();
        assertThat(s.credential("c1")).hasValueSatisfying(c -> {
            assertThat(c.active()).isTrue();
            assertThat(c.encryptedSecret()).containsExactly(1, 2, 3, 4);
        });
        assertThat(s.credential("c2")).hasValueSatisfying(c -> assertThat(c.active()).isFalse());
        assertThat(s.connection("k1")).hasValueSatisfying(c -> assertThat(c.encryptedSecret()).containsExactly(5, 6, 7, 8));
        assertThat(s.connection("k2")).hasValueSatisfying(c -> assertThat(c.active()).isFalse());
        assertThat(s.requests().decided()).containsExactly("r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9");
        assertThat(s.refusal("r8")).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(RejectionCode.WRONG_ORGANIZATION));
        assertThat(s.refusal("r9")).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(RejectionCode.UNKNOWN_CREDENTIAL));
    }

    @Test
    void aRequestDecidedBeforeTheUpgradeIsStillDecidedOnce() throws IOException {
        MarketplaceState s = stored("v1-listed-connected.cbor");
        MarketplaceDecider decider = new MarketplaceDecider();

        // r5 connected k1 before the upgrade: asked again, nothing happens
        assertThat(decider.decide(new MarketplaceCommand.Connect("r5", "acme", "k1", "billing-api", "prod", "c1",
                null, new byte[] {5}), s, Instant.parse("2026-11-23T10:00:00Z"))).isEmpty();
    }

    @Test
    void anInstanceTheLocalDataPlaneRunsKeepsItsAdminPasswordAndPendingCredentials() throws IOException {
        MarketplaceState s = stored("v1-local-pending.cbor");
        assertThat(s.engine()).isEqualTo(Engine.CACHE);
        assertThat(s.cloud()).isEqualTo(Cloud.GCP);
        assertThat(s.hostAddress()).isEqualTo("127.0.0.1");
        assertThat(s.runByLocalDataPlane()).isTrue();
        assertThat(s.adminPassword().sealKeyId()).isEqualTo("seal-1");
        assertThat(s.pending()).extracting(MarketplaceState.PendingCredential::credentialId).containsExactly("p1", "p2");
        assertThat(s.pendingRequest("r12")).hasValueSatisfying(p -> assertThat(p.requestedAt())
                .isEqualTo(Instant.parse("2026-11-22T10:00:12Z")));
    }

    @Test
    void aDeletedInstanceStaysDeletedWithoutItsAdminPassword() throws IOException {
        MarketplaceState s = stored("v1-deleted.cbor");
        assertThat(s.deleted()).isTrue();
        assertThat(s.adminPassword()).isNull();
        assertThat(s.pending()).isEmpty();
    }

    @Test
    void aKnownInstanceNotServingYetHasNoEndpoint() throws IOException {
        MarketplaceState s = stored("v1-known.cbor");
        assertThat(s.known()).isTrue();
        assertThat(s.endpoint()).isEqualTo(new MarketplaceState.Endpoint(null, null, 0, true));
        assertThat(s.requests().decided()).isEmpty();
    }
}
