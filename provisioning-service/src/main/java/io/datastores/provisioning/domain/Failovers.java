package io.datastores.provisioning.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.datastores.provisioning.domain.InstanceCommand.RecordCancellation;
import io.datastores.provisioning.domain.InstanceCommand.RecordPromotion;
import io.datastores.provisioning.domain.InstanceCommand.RecordRejoin;
import io.datastores.provisioning.domain.InstanceCommand.RecordReplacement;
import io.datastores.provisioning.domain.InstanceEvent.Node;
import io.datastores.provisioning.domain.InstanceEvent.NodeRejoined;
import io.datastores.provisioning.domain.InstanceState.Status;

/**
 * What failover did to an instance's nodes: a lost node replaced (the instance keeps its node
 * count), a standby promoted, a replaced node back as a standby (rejoined, with the address it
 * had), a replacement cancelled (never the primary). Each is held while the instance's request is
 * not read yet ({@link EarlyFailovers}); a deleted instance changes no more. The instance is ready
 * again once every node runs, with its nodes as they are.
 */
final class Failovers {

    private final Readiness readiness;

    Failovers(Readiness readiness) {
        this.readiness = readiness;
    }

    List<InstanceEvent> replaced(RecordReplacement r, InstanceState state) {
        if (state.status() == Status.NEW) {
            return EarlyFailovers.held(r);
        }
        if (state.status() == Status.DELETED || state.topology().has(r.nodeId())) {
            return List.of();
        }
        List<InstanceEvent> events = new ArrayList<>(List.of(new InstanceEvent.NodeReplaced(
                r.instanceId(), r.replacesNodeId(), r.nodeId(), r.role(), r.zone(), r.epoch())));
        if (state.status() == Status.READY) {
            // the replacement was reported up before this was read
            readiness.readyIfAllUp(events, state);
        }
        return events;
    }

    List<InstanceEvent> promoted(RecordPromotion p, InstanceState state) {
        if (state.status() == Status.NEW) {
            return EarlyFailovers.held(p);
        }
        return state.topology().hasStandby(p.nodeId()) && state.status() != Status.DELETED
                ? List.of(new InstanceEvent.PrimaryChanged(p.instanceId(), p.nodeId(), p.epoch()))
                : List.of();
    }

    List<InstanceEvent> rejoined(RecordRejoin j, InstanceState state) {
        if (state.status() == Status.NEW) {
            return EarlyFailovers.held(j);
        }
        return state.status() == Status.DELETED ? List.of()
                : readiness.readyIfLive(rejoin(j, state), state);
    }

    List<InstanceEvent> cancelled(RecordCancellation c, InstanceState state) {
        if (state.status() == Status.NEW) {
            return EarlyFailovers.held(c);
        }
        return state.status() == Status.DELETED ? List.of()
                : readiness.readyIfLive(cancel(c, state), state);
    }

    /** A node failover replaced is a standby again: back in the nodes, with the address it had. */
    static List<InstanceEvent> rejoin(RecordRejoin j, InstanceState state) {
        Optional<Node> present = state.topology().node(j.nodeId());
        if (present.isPresent()) {
            Node n = present.get();
            String ip = j.ip() != null ? j.ip() : n.ip();
            return n.role() == NodeRole.STANDBY && Objects.equals(ip, n.ip()) ? List.of()
                    : List.of(new NodeRejoined(j.instanceId(), n.nodeId(),
                            j.zone() != null ? j.zone() : n.zone(),
                            n.host() != null ? n.host() : ip, ip, j.epoch()));
        }
        Optional<Node> retired = state.topology().retired().stream()
                .filter(n -> n.nodeId().equals(j.nodeId())).findFirst();
        String ip = j.ip() != null ? j.ip() : retired.map(Node::ip).orElse(null);
        String host = retired.map(Node::host).filter(Objects::nonNull).orElse(ip);
        String zone = j.zone() != null ? j.zone() : retired.map(Node::zone).orElse("");
        return List.of(new NodeRejoined(j.instanceId(), j.nodeId(), zone, host, ip, j.epoch()));
    }

    /** A replacement failover no longer needs (never the primary) leaves the nodes. */
    static List<InstanceEvent> cancel(RecordCancellation c, InstanceState state) {
        return state.topology().hasStandby(c.nodeId())
                ? List.of(new InstanceEvent.ReplacementDropped(c.instanceId(), c.nodeId()))
                : List.of();
    }
}
