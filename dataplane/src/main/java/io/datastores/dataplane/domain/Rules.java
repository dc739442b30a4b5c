package io.datastores.dataplane.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.datastores.dataplane.domain.Fleet.Instance;
import io.datastores.dataplane.domain.Fleet.Node;
import io.datastores.dataplane.domain.Fleet.NodeStatus;
import io.datastores.dataplane.domain.Fleet.Role;
import io.datastores.dataplane.domain.Report.Failure;

/**
 * What each command asks of this machine, decided without touching a server. The data plane executes
 * and never decides what the control plane decides (which standby, which backup); what it does decide
 * is how: which server a standby copies, which standbys follow a new primary, that a node coming back
 * with an old epoch is fenced before it may serve. It refuses any command carrying an older epoch
 * than it has seen for the instance, and refuses nodes beyond its capacity.
 *
 * @param maxNodes how many servers this machine runs at most
 * @param engines the engines this data plane runs; instances of others are someone else's
 * @param portUsable whether a port is free on this machine (another program may hold one of the range)
 */
public record Rules(int maxNodes, Set<Engine> engines, java.util.function.IntPredicate portUsable) {

    /** Rules for a machine where every port of the range is free. */
    public Rules(int maxNodes, Set<Engine> engines) {
        this(maxNodes, engines, port -> true);
    }

    public Plan decide(Command command, Fleet fleet) {
        Optional<Instance> known = fleet.instance(command.instanceId());
        if (command instanceof Command.Accept a) {
            return accept(a, fleet);
        }
        if (known.isEmpty()) {
            return Plan.nothing(fleet); // not an instance this data plane runs
        }
        Instance instance = known.get();
        Optional<Plan> stale = stale(command, instance, fleet);
        if (stale.isPresent()) {
            return stale.get();
        }
        if (command instanceof Command.Provision p) {
            return provision(p, instance, fleet);
        } else if (command instanceof Command.ChangePlan c) {
            return changePlan(c, instance, fleet);
        } else if (command instanceof Command.ChangeAllowlist c) {
            return c.allowlist().equals(instance.allowlist()) ? Plan.nothing(fleet)
                    : Plan.steps(fleet.with(instance.withAllowlist(c.allowlist())), c, null, instance.epoch(), null,
                            List.of(new Step.UpdateEndpoint(c.instanceId())));
        } else if (command instanceof Command.Decommission d) {
            return remove(d, d.nodeId(), instance, fleet);
        } else if (command instanceof Command.CancelReplacement c) {
            return remove(c, c.nodeId(), instance, fleet);
        } else if (command instanceof Command.Delete) {
            return delete(instance, fleet);
        } else if (command instanceof Command.Promote p) {
            return promote(p, instance, fleet);
        } else if (command instanceof Command.MoveEndpoint m) {
            return moveEndpoint(m, instance, fleet);
        } else if (command instanceof Command.Restore r) {
            return restore(r, instance, fleet);
        } else if (command instanceof Command.Restart r) {
            return restart(r, instance, fleet);
        } else if (command instanceof Command.Fence f) {
            return fence(f, instance, fleet);
        } else if (command instanceof Command.PrepareSwitchover s) {
            return prepareSwitchover(s, instance, fleet);
        } else if (command instanceof Command.AbortSwitchover a) {
            return abortSwitchover(a, instance, fleet);
        } else if (command instanceof Command.FollowPrimary f) {
            return followPrimary(f, instance, fleet);
        } else if (command instanceof Command.IssueAdmin a) {
            return instance.primary().filter(n -> n.status() == NodeStatus.RUNNING).isEmpty() ? Plan.nothing(fleet)
                    : Plan.steps(fleet, a, instance.primaryNodeId(), instance.epoch(), null,
                            List.of(new Step.IssueAdminCredential(a.instanceId())));
        } else if (command instanceof Command.VerifyCredential v) {
            return instance.primary().filter(n -> n.status() == NodeStatus.RUNNING).isEmpty()
                    ? Plan.tell(fleet, new Report.CredentialChecked(v.instanceId(), v.requestId(), v.credentialId(),
                            false, "no primary of " + v.instanceId() + " runs to log in to; try again when it is ready"))
                    : new Plan(fleet, List.of(new Step.VerifyLogin(v.instanceId(), v.requestId(), v.credentialId(),
                            v.username(), v.sealedPassword())), reason -> List.of(new Report.CredentialChecked(
                                    v.instanceId(), v.requestId(), v.credentialId(), false, reason)), f -> f);
        } else if (command instanceof Command.Backup b) {
            return Plan.tell(fleet, new Report.BackupFailed(b.instanceId(), b.backupId(),
                    "the local data plane takes no backups yet (pgBackRest on these servers is the next step):"
                            + " nothing was written"));
        } else if (command instanceof Command.Crash c) {
            return operator(c.nodeId(), instance, fleet, NodeStatus.RUNNING,
                    List.of(new Step.Kill(c.instanceId(), c.nodeId(), false)));
        } else if (command instanceof Command.Lose l) {
            return operator(l.nodeId(), instance, fleet, null, List.of(new Step.Kill(l.instanceId(), l.nodeId(), true)));
        } else if (command instanceof Command.Return r) {
            return returnNode(r, instance, fleet);
        }
        throw new IllegalStateException("no rule for " + command.source()); // every command has one above
    }

    // --- fencing ---

    /** A command decided at an older epoch than this data plane has seen describes an old topology. */
    private static Optional<Plan> stale(Command command, Instance instance, Fleet fleet) {
        long epoch = Long.MAX_VALUE; // commands without an epoch are never stale
        String node = null;
        if (command instanceof Command.Provision p) {
            epoch = p.epoch();
            node = p.nodeId();
        } else if (command instanceof Command.Decommission d) {
            epoch = d.epoch();
            node = d.nodeId();
        } else if (command instanceof Command.Promote p) {
            epoch = p.epoch(); // the epoch it raises to: a re-delivery is not stale, an older promotion is
            node = p.nodeId();
        } else if (command instanceof Command.Restore r) {
            epoch = r.epoch();
            node = r.nodeId();
        } else if (command instanceof Command.Restart r) {
            epoch = r.epoch();
            node = r.nodeId();
        } else if (command instanceof Command.CancelReplacement c) {
            epoch = c.epoch();
            node = c.nodeId();
        } else if (command instanceof Command.PrepareSwitchover s) {
            epoch = s.epoch();
            node = s.toNodeId();
        }
        if (epoch >= instance.epoch()) {
            return Optional.empty();
        }
        String reason = command.source() + " was decided at epoch " + epoch + ", but epoch " + instance.epoch()
                + " has been issued for " + instance.instanceId() + " since: it describes an older topology";
        List<Report> reports = new ArrayList<>();
        reports.add(new Report.CommandFailed(instance.instanceId(), node, command.source(), epoch, instance.epoch(),
                Failure.STALE_EPOCH, reason, command instanceof Command.PrepareSwitchover s ? s.switchoverId() : null));
        if (command instanceof Command.Provision p) {
            reports.add(new Report.ProvisioningFailed(p.instanceId(), p.nodeId(), p.attempt(), reason, true));
        }
        return Optional.of(Plan.tell(fleet, reports.toArray(Report[]::new)));
    }

    // --- instances and nodes ---

    private Plan accept(Command.Accept a, Fleet fleet) {
        if (!engines.contains(a.engine()) || fleet.instance(a.instanceId()).isPresent()) {
            return Plan.nothing(fleet);
        }
        Optional<Integer> port = fleet.freePort(portUsable);
        if (port.isEmpty()) {
            return Plan.nothing(fleet); // its nodes are refused, with the reason, when they are asked for
        }
        Instance instance = new Instance(a.instanceId(), a.engine(), a.plan(), a.tier(), a.serviceHost(), port.get(),
                a.connectionLimit(), a.allowlist(), 0, null, Map.of());
        return Plan.steps(fleet.with(instance), a, null, 0, null, List.of(new Step.PrepareInstance(a.instanceId())));
    }

    private Plan provision(Command.Provision p, Instance instance, Fleet fleet) {
        Node existing = instance.nodes().get(p.nodeId());
        if (existing != null && existing.status() != NodeStatus.PROVISIONING) {
            // asked again (a re-delivery, a retry after a report that was lost): it runs, say so again
            return Plan.tell(fleet, new Report.NodeUp(p.instanceId(), p.nodeId(), existing.address(), existing.zone(),
                    instance.endpointPort()));
        }
        if (existing == null && fleet.nodeCount() >= maxNodes) {
            return Plan.tell(fleet, new Report.ProvisioningFailed(p.instanceId(), p.nodeId(), p.attempt(),
                    "this machine's data plane runs at most " + maxNodes + " servers (dcp.dataplane.max-nodes) and "
                            + fleet.nodeCount() + " are placed; delete an instance or raise the limit", false));
        }
        Optional<Integer> port = existing != null ? Optional.of(existing.port()) : fleet.freePort(portUsable);
        if (port.isEmpty()) {
            return Plan.tell(fleet, new Report.ProvisioningFailed(p.instanceId(), p.nodeId(), p.attempt(),
                    "no free port left in " + fleet.firstPort() + "-" + fleet.lastPort(), false));
        }
        Node node = new Node(p.nodeId(), p.role(), port.get(), Math.max(p.epoch(), instance.epoch()),
                NodeStatus.PROVISIONING, p.zone());
        Fleet planned = fleet.with(instance.withEpoch(p.epoch()).withNode(node));
        Report up = new Report.NodeUp(p.instanceId(), p.nodeId(), node.address(), p.zone(), instance.endpointPort());
        List<Step> steps = new ArrayList<>();
        Optional<Node> primary = instance.primary().filter(n -> n.status() == NodeStatus.RUNNING);
        if (p.role() == Role.PRIMARY && p.replaces() != null) {
            // a replacement primary restores from backup: it is made when the restore is asked for
            return Plan.nothing(planned);
        } else if (p.role() == Role.PRIMARY && instance.primaryNodeId() == null) {
            steps.add(new Step.InitPrimary(p.instanceId(), p.nodeId()));
            steps.add(new Step.PointEndpoint(p.instanceId(), p.nodeId()));
        } else if (primary.isPresent()) {
            steps.add(new Step.CloneStandby(p.instanceId(), p.nodeId(), primary.get().nodeId()));
            steps.add(new Step.Configure(p.instanceId(), primary.get().nodeId(), false)); // its quorum
        } else {
            return Plan.tell(fleet, new Report.ProvisioningFailed(p.instanceId(), p.nodeId(), p.attempt(),
                    "no running primary of " + p.instanceId() + " to copy a " + p.role().name().toLowerCase()
                            + " from", true));
        }
        steps.add(new Step.Tell(up));
        Plan plan = new Plan(planned, steps, reason -> List.of(new Report.ProvisioningFailed(p.instanceId(),
                p.nodeId(), p.attempt(), reason, true)), f -> f.withInstance(p.instanceId(), i -> i.withoutNode(p.nodeId())))
                .undoing(List.of(new Step.Remove(p.instanceId(), p.nodeId())));
        return steps.get(0) instanceof Step.InitPrimary ? plan.then(new Command.IssueAdmin(p.instanceId())) : plan;
    }

    private static Plan changePlan(Command.ChangePlan c, Instance instance, Fleet fleet) {
        boolean restart = c.connectionLimit() != instance.connectionLimit(); // max_connections needs a restart
        Fleet next = fleet.with(instance.withPlan(c.plan(), c.tier(), c.connectionLimit()));
        List<Step> steps = new ArrayList<>();
        for (Node standby : instance.runningStandbys()) {
            steps.add(new Step.Configure(c.instanceId(), standby.nodeId(), restart));
        }
        instance.primary().filter(n -> n.status() == NodeStatus.RUNNING)
                .ifPresent(p -> steps.add(new Step.Configure(c.instanceId(), p.nodeId(), restart)));
        return Plan.steps(next, c, null, instance.epoch(), null, steps);
    }

    private static Plan remove(Command command, String nodeId, Instance instance, Fleet fleet) {
        if (!instance.nodes().containsKey(nodeId)) {
            return Plan.nothing(fleet);
        }
        List<Step> steps = new ArrayList<>();
        steps.add(new Step.Remove(command.instanceId(), nodeId));
        instance.primary().filter(n -> n.status() == NodeStatus.RUNNING && !n.nodeId().equals(nodeId))
                .ifPresent(p -> steps.add(new Step.Configure(command.instanceId(), p.nodeId(), false)));
        return Plan.steps(fleet, command, nodeId, instance.epoch(), null, steps);
    }

    private static Plan delete(Instance instance, Fleet fleet) {
        List<Step> steps = new ArrayList<>();
        instance.nodes().keySet().stream().sorted().forEach(n -> steps.add(new Step.Remove(instance.instanceId(), n)));
        steps.add(new Step.DropInstance(instance.instanceId()));
        return Plan.steps(fleet, new Command.Delete(instance.instanceId()), null, instance.epoch(), null, steps);
    }

    // --- failover ---

    private static Plan promote(Command.Promote p, Instance instance, Fleet fleet) {
        Node node = instance.nodes().get(p.nodeId());
        if (node == null || node.status() != NodeStatus.RUNNING) {
            return failed(fleet, p, p.nodeId(), p.epoch(), instance, p.correlationId(), "node " + p.nodeId()
                    + (node == null ? " is not one of " + p.instanceId() + "'s servers here"
                            : " is " + node.status().name().toLowerCase() + ", not running"));
        }
        if (node.role() == Role.PRIMARY && node.epoch() >= p.epoch()) {
            return Plan.nothing(fleet); // promoted already (a re-delivery)
        }
        // promoted first, so that the endpoint can move at once (EndpointMoved is next in the queue); its
        // quorum includes standbys not following yet: commits wait for one rather than go unreplicated
        List<Step> steps = List.of(new Step.CatchUp(p.instanceId(), p.nodeId()),
                new Step.PromoteNode(p.instanceId(), p.nodeId(), p.epoch()),
                new Step.Configure(p.instanceId(), p.nodeId(), false));
        return Plan.steps(fleet.with(instance.withEpoch(p.epoch())), p, p.nodeId(), p.epoch(), p.correlationId(),
                steps).then(new Command.FollowPrimary(p.instanceId(), p.nodeId(), p.epoch()));
    }

    /** The other servers follow a new primary: the old one too when it only stopped (a switchover). */
    private static Plan followPrimary(Command.FollowPrimary f, Instance instance, Fleet fleet) {
        Node primary = instance.nodes().get(f.primaryNodeId());
        if (primary == null || primary.status() != NodeStatus.RUNNING || !f.primaryNodeId().equals(instance.primaryNodeId())) {
            return Plan.nothing(fleet); // another promotion came since
        }
        List<Step> steps = new ArrayList<>();
        steps.add(new Step.Checkpoint(f.instanceId(), f.primaryNodeId()));
        for (Node other : instance.nodes().values().stream().sorted(Comparator.comparing(Node::nodeId)).toList()) {
            if (other.nodeId().equals(f.primaryNodeId()) || other.status() == NodeStatus.LOST
                    || other.status() == NodeStatus.PROVISIONING) {
                continue; // a lost node is fenced when it comes back
            }
            steps.add(new Step.Follow(f.instanceId(), other.nodeId(), f.primaryNodeId(), f.epoch()));
        }
        steps.add(new Step.Configure(f.instanceId(), f.primaryNodeId(), false));
        return Plan.steps(fleet, f, null, f.epoch(), null, steps);
    }

    private static Plan moveEndpoint(Command.MoveEndpoint m, Instance instance, Fleet fleet) {
        Optional<Node> to = instance.nodes().values().stream().filter(n -> n.address().equals(m.toAddress()))
                .findFirst();
        if (to.isEmpty()) {
            return failed(fleet, m, null, instance.epoch(), instance, m.correlationId(), "no server of "
                    + m.instanceId() + " is at " + m.toAddress());
        }
        return Plan.steps(fleet, m, to.get().nodeId(), instance.epoch(), m.correlationId(),
                List.of(new Step.PointEndpoint(m.instanceId(), to.get().nodeId()),
                        new Step.ResumeEndpoint(m.instanceId())));
    }

    private static Plan restore(Command.Restore r, Instance instance, Fleet fleet) {
        Node node = instance.nodes().get(r.nodeId());
        if (node == null) {
            return failed(fleet, r, r.nodeId(), r.epoch(), instance, r.correlationId(), "no replacement node "
                    + r.nodeId() + " was asked for");
        }
        if (node.status() == NodeStatus.RUNNING && node.role() == Role.PRIMARY) {
            return Plan.nothing(fleet); // restored already
        }
        if (r.backupId() != null) {
            return new Plan(fleet, List.of(new Step.Tell(new Report.CommandFailed(r.instanceId(), r.nodeId(),
                    r.source(), r.epoch(), instance.epoch(), Failure.UNSUPPORTED, "the local data plane has no backup "
                            + r.backupId() + " to restore: it takes no backups yet", r.correlationId()))),
                    reason -> List.of(), f -> f);
        }
        Report up = new Report.NodeUp(r.instanceId(), r.nodeId(), node.address(), node.zone(), instance.endpointPort());
        return Plan.steps(fleet.with(instance.withEpoch(r.epoch())), r, r.nodeId(), r.epoch(), r.correlationId(),
                List.of(new Step.RestoreEmpty(r.instanceId(), r.nodeId(), r.epoch(), r.correlationId()),
                        new Step.Tell(up))).then(new Command.IssueAdmin(r.instanceId()));
    }

    private static Plan restart(Command.Restart r, Instance instance, Fleet fleet) {
        Node node = instance.nodes().get(r.nodeId());
        if (node == null || node.status() != NodeStatus.CRASHED) {
            return Plan.nothing(fleet); // running again already, or lost: nothing to restart here
        }
        return Plan.steps(fleet, r, r.nodeId(), r.epoch(), null, List.of(new Step.Start(r.instanceId(), r.nodeId())));
    }

    private static Plan fence(Command.Fence f, Instance instance, Fleet fleet) {
        Node node = instance.nodes().get(f.nodeId());
        Optional<Node> primary = instance.primary().filter(p -> p.status() == NodeStatus.RUNNING);
        boolean serving = node != null && node.status() == NodeStatus.RUNNING;
        if (!serving || primary.isEmpty() || primary.get().nodeId().equals(f.nodeId())
                || (node.role() == Role.STANDBY && node.epoch() >= instance.epoch())) {
            return Plan.nothing(fleet); // not serving (fenced when it returns), or a standby already
        }
        return Plan.steps(fleet, f, f.nodeId(), f.epoch(), null,
                List.of(new Step.Rejoin(f.instanceId(), f.nodeId(), primary.get().nodeId(), instance.epoch()),
                        new Step.Configure(f.instanceId(), primary.get().nodeId(), false)));
    }

    // --- planned switchover ---

    private static Plan prepareSwitchover(Command.PrepareSwitchover s, Instance instance, Fleet fleet) {
        Node from = instance.nodes().get(s.fromNodeId());
        Node to = instance.nodes().get(s.toNodeId());
        String problem = from == null || from.role() != Role.PRIMARY || from.status() != NodeStatus.RUNNING
                ? s.fromNodeId() + " is not the running primary"
                : to == null || to.role() != Role.STANDBY || to.status() != NodeStatus.RUNNING
                        ? s.toNodeId() + " is not a running standby" : null;
        if (problem != null) {
            return failed(fleet, s, s.toNodeId(), s.epoch(), instance, s.switchoverId(), problem);
        }
        List<Step> steps = new ArrayList<>();
        // the other standbys stream from the target first: promoted, it has them attached at once
        instance.nodes().values().stream().sorted(Comparator.comparing(Node::nodeId))
                .filter(n -> n.role() == Role.STANDBY && n.status() == NodeStatus.RUNNING
                        && !n.nodeId().equals(s.toNodeId()))
                .forEach(n -> steps.add(new Step.StreamFrom(s.instanceId(), n.nodeId(), s.toNodeId())));
        steps.add(new Step.PauseEndpoint(s.instanceId()));
        steps.add(new Step.HandOver(s.instanceId(), s.switchoverId(), s.fromNodeId(), s.toNodeId()));
        return Plan.steps(fleet, s, s.toNodeId(), s.epoch(), s.switchoverId(), steps);
    }

    private static Plan abortSwitchover(Command.AbortSwitchover a, Instance instance, Fleet fleet) {
        List<Step> steps = new ArrayList<>();
        instance.primary().filter(p -> p.status() != NodeStatus.LOST)
                .ifPresent(p -> steps.add(new Step.Start(a.instanceId(), p.nodeId())));
        steps.add(new Step.ResumeEndpoint(a.instanceId()));
        return Plan.steps(fleet, a, null, instance.epoch(), a.switchoverId(), steps);
    }

    // --- an operator at this machine ---

    private static Plan operator(String nodeId, Instance instance, Fleet fleet, NodeStatus required,
            List<Step> steps) {
        Node node = instance.nodes().get(nodeId);
        if (node == null || node.status() == NodeStatus.LOST
                || (required != null && node.status() != required)) {
            return Plan.nothing(fleet);
        }
        return new Plan(fleet, steps, reason -> List.of(), f -> f);
    }

    /**
     * A lost node's machine is back. If the instance moved on while it was away (a newer epoch, another
     * primary), it is fenced: rewound onto the current primary and started as its standby; it never
     * serves at its old epoch. Otherwise it simply starts again.
     */
    private static Plan returnNode(Command.Return r, Instance instance, Fleet fleet) {
        Node node = instance.nodes().get(r.nodeId());
        if (node == null || node.status() != NodeStatus.LOST) {
            return Plan.nothing(fleet);
        }
        Optional<Node> primary = instance.primary()
                .filter(p -> p.status() == NodeStatus.RUNNING && !p.nodeId().equals(r.nodeId()));
        boolean movedOn = node.epoch() < instance.epoch() || node.role() == Role.PRIMARY;
        if (movedOn && primary.isPresent()) {
            return Plan.steps(fleet, r, r.nodeId(), instance.epoch(), null, List.of(
                    new Step.Rejoin(r.instanceId(), r.nodeId(), primary.get().nodeId(), instance.epoch()),
                    new Step.Configure(r.instanceId(), primary.get().nodeId(), false)));
        }
        if (movedOn) {
            return Plan.nothing(fleet); // no primary to follow yet: it stays down, fenced
        }
        return Plan.steps(fleet, r, r.nodeId(), instance.epoch(), null, List.of(new Step.Start(r.instanceId(),
                r.nodeId())));
    }

    private static Plan failed(Fleet fleet, Command command, String nodeId, long epoch, Instance instance,
            String correlatesWith, String reason) {
        return Plan.tell(fleet, new Report.CommandFailed(instance.instanceId(), nodeId, command.source(), epoch,
                instance.epoch(), Failure.SERVER_ERROR, reason, correlatesWith));
    }
}
