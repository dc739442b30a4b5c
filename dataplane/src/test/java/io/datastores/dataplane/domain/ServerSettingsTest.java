package io.datastores.dataplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.datastores.dataplane.domain.Fleet.Instance;
import io.datastores.dataplane.domain.Fleet.Node;
import io.datastores.dataplane.domain.Fleet.NodeStatus;
import io.datastores.dataplane.domain.Fleet.Role;

class ServerSettingsTest {

    private static final ServerSettings.Paths PATHS = new ServerSettings.Paths("/i/server.crt",
            "/i/server.key", "/tls/ca.crt", "/i/pgpass");

    private static Instance instance(String plan, int limit) {
        Node n1 = new Node("i-1-n1", Role.PRIMARY, 15401, 1, NodeStatus.RUNNING, "a");
        Node n2 = new Node("i-1-n2", Role.STANDBY, 15402, 1, NodeStatus.RUNNING, "b");
        Node n3 = new Node("i-1-n3", Role.STANDBY, 15403, 1, NodeStatus.LOST, "c");
        return new Instance("i-1", Engine.POSTGRESQL, plan, Tier.valueOf(plan.split("-")[0]), "i.db", 15400, limit, List.of(), 1, "i-1-n1",
                Map.of(n1.nodeId(), n1, n2.nodeId(), n2, n3.nodeId(), n3));
    }

    @Test
    void thePublishedLimitIsMaxConnections() {
        String conf = ServerSettings.config(instance("HOBBYIST", 25), instance("HOBBYIST", 25).nodes().get("i-1-n1"),
                null, PATHS);
        assertThat(conf).contains("max_connections = 25\n").contains("ssl = 'on'");
    }

    @Test
    void premiumCommitsToAnyOneOfItsStandbys_businessAsynchronously() {
        Instance premium = instance("PREMIUM-4", 100);
        assertThat(ServerSettings.quorum(premium, premium.nodes().get("i-1-n1"))).isEqualTo("ANY 1 (\"i-1-n2\")");
        Instance business = instance("BUSINESS-4", 100);
        assertThat(ServerSettings.quorum(business, business.nodes().get("i-1-n1"))).isEmpty();
    }

    @Test
    void theTierTheCatalogGaveDecides_notThePlansName() {
        Instance renamed = instance("PREMIUM-4", 100).withPlan("ENTERPRISE-4", Tier.PREMIUM, 100);
        assertThat(ServerSettings.quorum(renamed, renamed.nodes().get("i-1-n1"))).isEqualTo("ANY 1 (\"i-1-n2\")");
        Instance named = instance("PREMIUM-4", 100).withPlan("PREMIUM-LIKE-4", Tier.BUSINESS, 100);
        assertThat(ServerSettings.quorum(named, named.nodes().get("i-1-n1"))).isEmpty();
    }

    @Test
    void aStandbyStreamsFromItsPrimaryOverVerifiedTlsInItsOwnSlot() {
        Instance i = instance("BUSINESS-4", 100);
        String conf = ServerSettings.config(i, i.nodes().get("i-1-n2"), i.nodes().get("i-1-n1"), PATHS);
        assertThat(conf).contains("primary_conninfo = 'host=127.0.0.1 port=15401 user=replicator passfile=/i/pgpass"
                + " sslmode=verify-full sslrootcert=/tls/ca.crt application_name=i-1-n2'")
                .contains("primary_slot_name = 'i_1_n2'");
    }

    @Test
    void plaintextIsRefusedByTheServer() {
        assertThat(ServerSettings.hba()).doesNotContainPattern("(?m)^host\\s").contains("hostssl");
    }
}
