package io.datastores.marketplace.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.datastores.events.InstanceReady;
import io.datastores.events.NodeInfo;
import io.datastores.events.NodeRole;

class HistoryMappingTest {

    private static InstanceReady ready(int nodes) {
        List<NodeInfo> infos = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            infos.add(new NodeInfo("n" + i, NodeRole.STANDBY, "a", "h" + i, "10.0.0." + i));
        }
        return InstanceReady.newBuilder().setOrganizationId("acme").setInstanceId("i-1").setServiceHost("orders.db")
                .setPort(3306).setTlsRequired(true).setConnectionLimit(801).setAllowlist(List.of("0.0.0.0/0"))
                .setNodes(infos).setCatalogVersion("v").build();
    }

    @Test
    void aShortPayloadIsSummarizedWholeWithoutItsInstanceId() {
        String summary = HistoryMapping.summary(ready(0));
        assertThat(summary).startsWith("organizationId=acme, serviceHost=orders.db, port=3306")
                .doesNotContain("instanceId").doesNotEndWith("…");
    }

    @Test
    void aLongPayloadIsCutAt240Characters() {
        String summary = HistoryMapping.summary(ready(50));
        assertThat(summary).hasSize(240).endsWith("…").startsWith("organizationId=acme, serviceHost=orders.db");
    }
}
