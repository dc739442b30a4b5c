package io.datastores.provisioning.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.datastores.kit.json.JsonSerde;
import io.datastores.kit.json.StateSerde;
import io.datastores.provisioning.config.CatalogLoader;
import io.datastores.provisioning.domain.Catalog;
import io.datastores.provisioning.domain.Cloud;
import io.datastores.provisioning.domain.Engine;
import io.datastores.provisioning.domain.InstanceCommand;
import io.datastores.provisioning.domain.InstanceCommand.RecordNodeProvisioned;
import io.datastores.provisioning.domain.InstanceDecider;
import io.datastores.provisioning.domain.InstanceEvent;
import io.datastores.provisioning.domain.InstanceEvent.Node;
import io.datastores.provisioning.domain.InstanceState;
import io.datastores.provisioning.domain.InstanceState.EarlyFailover;
import io.datastores.provisioning.domain.InstanceState.Endpoint;
import io.datastores.provisioning.domain.InstanceState.NodeFailure;
import io.datastores.provisioning.domain.InstanceState.Status;
import io.datastores.provisioning.domain.NodeRole;
import io.datastores.provisioning.domain.OrganizationState;
import io.datastores.provisioning.domain.OrganizationTier;

/**
 * State the previous version stored (flat JSON, in src/test/resources/state, written at commit
 * 1eadce8) reads with this version's store serde, means what it meant, and survives this
 * version's binary form unchanged; state this version writes reads too.
 */
class StoredStateTest {

    private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

    private final InstanceStateSerde serde = new InstanceStateSerde();
    private final InstanceDecider decider = new InstanceDecider(catalog());

    private static Catalog catalog() {
        try (InputStream in = StoredStateTest.class.getResourceAsStream("/catalog.json")) {
            return CatalogLoader.read(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String name) throws IOException {
        try (InputStream in = StoredStateTest.class.getResourceAsStream("/state/" + name)) {
            return in.readAllBytes();
        }
    }

    private InstanceState stored(String name) throws IOException {
        return serde.deserializer().deserialize("instances", bytes("v1-" + name + ".json"));
    }

    private static List<NodeRole> roles(InstanceState s) {
        return s.topology().nodes().stream().map(Node::role).toList();
    }

    private static List<String> ids(List<Node> nodes) {
        return nodes.stream().map(Node::nodeId).toList();
    }

    private static RecordNodeProvisioned up(String node) {
        return new RecordNodeProvisioned("i-1", node, node + ".host", "10.0.2.1", "z");
    }

    private List<InstanceEvent> when(InstanceState state, InstanceCommand command) {
        return decider.decide(command, state, T);
    }

    @ParameterizedTest
    @ValueSource(strings = {"requested", "provisioning", "ready", "failed-over", "changing",
            "retry-pending", "early-reports", "trial-running", "trial-suspended", "deleted",
            "failed"})
    @DisplayName("each stored state reads as version 1 and round-trips through the binary form")
    void readsAndRoundTripsThroughTheBinaryForm(String name) throws IOException {
        assertThat(StoredInstanceState.isV1(JsonSerde.MAPPER.readTree(bytes("v1-" + name
                + ".json")))).isTrue();
        InstanceState old = stored(name);
        assertThat(old.topology().nextNode()).isPositive();
        assertThat(old.topology().epoch()).isPositive();

        byte[] binary = serde.serializer().serialize("instances", old);
        assertThat(binary[0] & 0xFF).as("CBOR's self-describe tag").isEqualTo(0xD9);
        assertThat(serde.deserializer().deserialize("instances", binary)).isEqualTo(old);
    }

    @Nested
    @DisplayName("a stored state means what it meant")
    class Meaning {

        @Test
        void givenRequested_thenItsThreeNodesArePendingAndItWaitsForThem() throws IOException {
            InstanceState s = stored("requested");
            assertThat(s.status()).isEqualTo(Status.PROVISIONING);
            assertThat(s.instance().plan()).isEqualTo("PREMIUM-8");
            assertThat(s.terms().plan()).isEqualTo("PREMIUM-8");
            assertThat(s.terms().nodeCount()).isEqualTo(3);
            assertThat(ids(s.topology().nodes())).containsExactly("i-1-n1", "i-1-n2", "i-1-n3");
            assertThat(roles(s)).containsExactly(NodeRole.PRIMARY, NodeRole.STANDBY,
                    NodeRole.STANDBY);
            assertThat(s.topology().nodes()).allSatisfy(n -> assertThat(n.ip()).isNull());
            assertThat(s.topology().nextNode()).isEqualTo(4);
            assertThat(s.requestIds()).containsExactly("r-i-1");
            assertThat(s.allNodesUp()).isFalse();
        }

        @Test
        void givenProvisioning_whenTheOtherNodesComeUp_thenReadyBehindItsEndpoint()
                throws IOException {
            InstanceState s = stored("provisioning");
            assertThat(s.topology().endpoint()).isEqualTo(new Endpoint("127.0.0.1", 6432));
            assertThat(s.topology().nodes().get(0).ip()).isEqualTo("10.0.1.6");
            s = decider.fold(s, when(s, up("i-1-n2")));
            List<InstanceEvent> last = when(s, up("i-1-n3"));
            assertThat(last).filteredOn(InstanceEvent.Ready.class::isInstance).singleElement()
                    .isInstanceOfSatisfying(InstanceEvent.Ready.class, r -> {
                        assertThat(r.nodes()).hasSize(3);
                        assertThat(r.port()).isEqualTo(6432);
                        assertThat(r.endpointAddress()).isEqualTo("127.0.0.1");
                    });
        }

        @Test
        void givenReady_thenBothNodesRun() throws IOException {
            InstanceState s = stored("ready");
            assertThat(s.status()).isEqualTo(Status.READY);
            assertThat(s.terms().plan()).isEqualTo("BUSINESS-4");
            assertThat(roles(s)).containsExactly(NodeRole.PRIMARY, NodeRole.STANDBY);
            assertThat(s.allNodesUp()).isTrue();
            assertThat(s.topology().endpoint()).isEqualTo(new Endpoint("127.0.0.1", 6432));
            assertThat(s.terms().allowlist()).containsExactly("0.0.0.0/0", "::/0");
        }

        @Test
        void givenFailedOver_thenTheEpochThePrimaryTheReplacementAndTheRetiredNode()
                throws IOException {
            InstanceState s = stored("failed-over");
            assertThat(s.topology().epoch()).isEqualTo(2);
            assertThat(ids(s.topology().nodes())).containsExactly("i-1-n2", "i-1-n3", "i-1-r1");
            assertThat(roles(s)).containsExactly(NodeRole.PRIMARY, NodeRole.STANDBY,
                    NodeRole.STANDBY);
            assertThat(s.topology().replacements()).containsExactly("i-1-r1");
            assertThat(ids(s.topology().retired())).containsExactly("i-1-n1");
            assertThat(s.topology().retired().get(0).ip()).isEqualTo("10.0.0.6");
        }

        @Test
        void givenAPlanChangeInProgress_thenTheNewPlanWithItsNodesPending() throws IOException {
            InstanceState s = stored("changing");
            assertThat(s.status()).isEqualTo(Status.CHANGING);
            assertThat(s.instance().plan()).as("as accepted").isEqualTo("HOBBYIST");
            assertThat(s.terms().plan()).isEqualTo("PREMIUM-8");
            assertThat(s.terms().nodeCount()).isEqualTo(3);
            assertThat(s.topology().nodes()).extracting(Node::ip)
                    .containsExactly("10.0.0.6", null, null);
            assertThat(s.requestIds()).containsExactly("r-i-1", "r-up");
        }

        @Test
        void givenARetryPending_thenTheAttemptAndTheFailureAreKept() throws IOException {
            InstanceState s = stored("retry-pending");
            assertThat(s.status()).isEqualTo(Status.PROVISIONING);
            assertThat(s.retries().attempts()).isEqualTo(Map.of("i-1-n2", 2));
            assertThat(s.retries().failures()).containsExactly(new NodeFailure("i-1-n2", 1,
                    "initdb: no space left", true, false));
            assertThat(when(s, up("i-1-n2"))).anyMatch(InstanceEvent.Ready.class::isInstance);
        }

        @Test
        void givenReportsHeldEarly_thenEachIsKeptWithItsKind() throws IOException {
            InstanceState s = stored("early-reports");
            assertThat(s.status()).isEqualTo(Status.NEW);
            assertThat(s.instance()).isNull();
            assertThat(s.requestIds()).isEmpty();
            assertThat(ids(s.early().nodes())).containsExactly("i-1-n1");
            assertThat(s.early().nodes().get(0).ip()).isEqualTo("10.0.0.6");
            assertThat(s.early().failovers()).extracting(EarlyFailover::kind).containsExactly(
                    EarlyFailover.Kind.REPLACEMENT, EarlyFailover.Kind.PROMOTION,
                    EarlyFailover.Kind.REJOIN, EarlyFailover.Kind.CANCEL);
            assertThat(s.early().failovers()).extracting(EarlyFailover::epoch)
                    .containsExactly(2L, 3L, 3L, 3L);
            assertThat(s.early().failovers().get(2).ip()).isEqualTo("10.0.0.9");
            assertThat(s.early().failures()).extracting(NodeFailure::nodeId)
                    .containsExactly("i-1-n3");
        }

        @Test
        void givenARunningTrial_whenItsEndComes_thenItIsStillDue() throws IOException {
            InstanceState s = stored("trial-running");
            Instant end = Instant.parse("2026-12-06T10:00:00Z");
            assertThat(s.status()).isEqualTo(Status.READY);
            assertThat(s.terms().trialEndsAt()).isEqualTo(end);
            assertThat(s.terms().allowlist()).containsExactly("10.1.0.0/16");
            assertThat(InstanceDecider.due("i-1", s, end.minusSeconds(1))).isEmpty();
            assertThat(InstanceDecider.due("i-1", s, end)).get()
                    .satisfies(d -> assertThat(d.command())
                            .isInstanceOf(InstanceCommand.ExpireTrial.class));
        }

        @Test
        void givenASuspendedTrial_thenSuspendedWithItsEnd() throws IOException {
            InstanceState s = stored("trial-suspended");
            assertThat(s.status()).isEqualTo(Status.SUSPENDED);
            assertThat(s.terms().trialEndsAt()).isEqualTo(Instant.parse("2026-12-06T10:00:00Z"));
            assertThat(InstanceDecider.due("i-1", s, Instant.MAX)).isEmpty();
        }

        @Test
        void givenDeleted_thenDeletedWithItsRequests() throws IOException {
            InstanceState s = stored("deleted");
            assertThat(s.status()).isEqualTo(Status.DELETED);
            assertThat(s.requestIds()).containsExactly("r-i-1", "r-del");
            assertThat(s.handled("r-del")).isTrue();
        }

        @Test
        void givenFailed_thenTheReasonAndTheNodeGivenUpOn() throws IOException {
            InstanceState s = stored("failed");
            assertThat(s.status()).isEqualTo(Status.FAILED);
            assertThat(s.failureReason()).contains("i-1-n2").contains("no space left");
            assertThat(s.retries().failures()).singleElement()
                    .satisfies(f -> assertThat(f.gaveUp()).isTrue());
        }
    }

    @Test
    @DisplayName("a state this version writes, binary or as JSON text, reads back equal")
    void theCurrentShapeReads() {
        InstanceCommand.RequestInstance r = new InstanceCommand.RequestInstance("r-1", "org-1",
                "i-1", "orders db", Engine.POSTGRESQL, Cloud.AWS, "us-east-1", "BUSINESS-4", true,
                List.of(), null, null);
        InstanceState s = decider.initialState();
        for (InstanceCommand c : List.of(r, up("i-1-n1"), new InstanceCommand
                .RecordProvisioningFailure("i-1", "i-1-n2", 1, "capacity", true))) {
            s = decider.fold(s, when(s, c));
        }
        assertThat(s.retries().attempts()).isNotEmpty();

        byte[] binary = serde.serializer().serialize("instances", s);
        assertThat(serde.deserializer().deserialize("instances", binary)).isEqualTo(s);
        byte[] text = new JsonSerde<>(InstanceState.class).serializer().serialize("instances", s);
        assertThat(StoredInstanceState.isV1(readTree(text))).isFalse();
        assertThat(serde.deserializer().deserialize("instances", text)).isEqualTo(s);
        assertThat(serde.deserializer().deserialize("instances",
                new JsonSerde<>(InstanceState.class).serializer().serialize("instances",
                        InstanceState.initial()))).isEqualTo(InstanceState.initial());
    }

    @Test
    @DisplayName("the organization the previous version stored reads and round-trips")
    void theOrganizationReads() throws IOException {
        StateSerde<OrganizationState> orgs = new StateSerde<>(OrganizationState.class);
        OrganizationState o = orgs.deserializer().deserialize("organizations",
                bytes("v1-organization.json"));
        assertThat(o.tier()).isEqualTo(OrganizationTier.PAID);
        assertThat(o.names()).containsOnlyKeys("CACHE/cache", "POSTGRESQL/orders db");
        assertThat(o.names().get("POSTGRESQL/orders db").confirmed()).isTrue();
        assertThat(o.instances()).containsOnlyKeys("i-1");
        assertThat(o.instances().get("i-1").plan()).isEqualTo("BUSINESS-4");
        byte[] binary = orgs.serializer().serialize("organizations", o);
        assertThat(orgs.deserializer().deserialize("organizations", binary)).isEqualTo(o);
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(byte[] json) {
        try {
            return JsonSerde.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
