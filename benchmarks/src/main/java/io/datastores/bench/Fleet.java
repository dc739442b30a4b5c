package io.datastores.bench;

import java.util.ArrayList;
import java.util.List;

import io.datastores.events.NodeRole;

/** The simulated instances a benchmark drives: node roles, positions and epochs as failover expects them. */
final class Fleet {

    private Fleet() {
    }

    record Beat(String nodeId, NodeRole role, long position, long epoch) {
    }

    /** One instance: its nodes (the first is the primary), and whether the benchmark failed it. */
    static final class Instance {
        private final String id;
        private final List<String> nodes;
        private final List<NodeRole> roles = new ArrayList<>();
        private long epoch = 1;
        private long position = 1_000;
        private int next;
        volatile boolean failed;

        Instance(String id, List<String> nodes) {
            this.id = id;
            this.nodes = new ArrayList<>(nodes);
            for (int i = 0; i < nodes.size(); i++) {
                roles.add(i == 0 ? NodeRole.PRIMARY : NodeRole.STANDBY);
            }
        }

        String id() {
            return id;
        }

        List<String> nodes() {
            return nodes;
        }

        /** The next node's heartbeat, round robin; a failed primary stays silent. */
        synchronized Beat nextBeat() {
            int i = next++ % nodes.size();
            position += 100;
            NodeRole role = roles.get(i);
            if (role == null) {
                i = (i + 1) % nodes.size();
                role = roles.get(i);
            }
            long lag = role == NodeRole.PRIMARY ? 0 : 10L * (i + 1);
            return new Beat(nodes.get(i), role == null ? NodeRole.STANDBY : role, position - lag, epoch);
        }

        synchronized void promote(String failed, String promoted, long newEpoch) {
            int f = nodes.indexOf(failed);
            roles.set(f, null);
            roles.set(nodes.indexOf(promoted), NodeRole.PRIMARY);
            epoch = newEpoch;
        }
    }

    static Instance premium(String id) {
        return new Instance(id, List.of(id + "-n1", id + "-n2", id + "-n3"));
    }
}
