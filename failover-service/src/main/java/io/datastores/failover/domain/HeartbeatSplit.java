package io.datastores.failover.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.datastores.failover.domain.HeardNodes.Heard;
import io.datastores.failover.domain.InstanceHealth.Node;
import io.datastores.kit.decider.StateSplit;

/**
 * The rule for what of an instance's health a heartbeat changes: each node's last-heard time, the
 * start of its silence and its position ({@link HeardNodes}); everything else (roles, statuses,
 * epochs, failovers) changes only on rarer events. The shell stores the two apart and writes only
 * the part that changed: each node's {@link Node#heard()} goes to the hot part, and the cold part
 * keeps none. Exact: {@code join(cold(s), hot(s))} is {@code s}.
 */
public final class HeartbeatSplit implements StateSplit<InstanceHealth, HeardNodes> {

    @Override
    public InstanceHealth cold(InstanceHealth state) {
        return state.withEveryNode(HeartbeatSplit::unheard);
    }

    @Override
    public HeardNodes hot(InstanceHealth state) {
        List<Heard> heard = new ArrayList<>(state.nodes().size() + state.forgottenLost().size());
        state.nodes().forEach(n -> heard.add(heard(n)));
        state.forgottenLost().forEach(n -> heard.add(heard(n)));
        return new HeardNodes(heard);
    }

    @Override
    public InstanceHealth join(InstanceHealth cold, HeardNodes hot) {
        if (hot == null) {
            return cold;
        }
        List<Heard> heard = hot.nodes();
        int live = cold.nodes().size();
        if (heard.size() == live + cold.forgottenLost().size() && sameIds(cold, heard)) {
            int[] i = {0};
            return cold.withEveryNode(n -> with(n, heard.get(i[0]++)));
        }
        // not in the order written (a part lost its pair): by node id
        Map<String, Heard> byId = new HashMap<>();
        heard.forEach(h -> byId.put(h.nodeId(), h));
        return cold.withEveryNode(n -> byId.containsKey(n.nodeId()) ? with(n, byId.get(n.nodeId())) : n);
    }

    private static boolean sameIds(InstanceHealth cold, List<Heard> heard) {
        int i = 0;
        for (Node n : cold.nodes()) {
            if (!n.nodeId().equals(heard.get(i++).nodeId())) {
                return false;
            }
        }
        for (Node n : cold.forgottenLost()) {
            if (!n.nodeId().equals(heard.get(i++).nodeId())) {
                return false;
            }
        }
        return true;
    }

    private static Heard heard(Node n) {
        return new Heard(n.nodeId(), n.lastHeartbeatAt(), n.watchSince(), n.position());
    }

    private static Node unheard(Node n) {
        return n.heard() == null ? n : n.withHeard(null);
    }

    private static Node with(Node n, Heard h) {
        return n.withHeard(new Node.Heard(h.lastHeartbeatAt(), h.watchSince(), h.position()));
    }
}
