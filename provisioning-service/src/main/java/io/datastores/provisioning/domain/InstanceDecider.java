package io.datastores.provisioning.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.datastores.kit.decider.Decider;
import io.datastores.kit.decider.Timer;
import io.datastores.provisioning.domain.InstanceCommand.ChangeAllowlist;
import io.datastores.provisioning.domain.InstanceCommand.ChangePlan;
import io.datastores.provisioning.domain.InstanceCommand.DeleteInstance;
import io.datastores.provisioning.domain.InstanceCommand.ExpireTrial;
import io.datastores.provisioning.domain.InstanceCommand.LiftTrial;
import io.datastores.provisioning.domain.InstanceCommand.RecordNodeProvisioned;
import io.datastores.provisioning.domain.InstanceCommand.RequestInstance;
import io.datastores.provisioning.domain.InstanceEvent.Accepted;
import io.datastores.provisioning.domain.InstanceEvent.AllowlistChanged;
import io.datastores.provisioning.domain.InstanceEvent.Deleted;
import io.datastores.provisioning.domain.InstanceEvent.Node;
import io.datastores.provisioning.domain.InstanceEvent.NodeDecommissioned;
import io.datastores.provisioning.domain.InstanceEvent.NodeRecorded;
import io.datastores.provisioning.domain.InstanceEvent.NodeRequested;
import io.datastores.provisioning.domain.InstanceEvent.PlanChanged;
import io.datastores.provisioning.domain.InstanceEvent.Ready;
import io.datastores.provisioning.domain.InstanceEvent.Rejected;
import io.datastores.provisioning.domain.InstanceEvent.Resumed;
import io.datastores.provisioning.domain.InstanceEvent.TrialExpired;
import io.datastores.provisioning.domain.InstanceEvent.TrialLifted;
import io.datastores.provisioning.domain.InstanceState.Status;

/**
 * The instance aggregate, after the organization stage admitted a request: plans nodes per tier
 * (primary and standbys spread over the region's zones), publishes the instance ready when every
 * node runs, applies plan changes (nodes added or decommissioned, limits recomputed), allow-list
 * changes and deletion, and suspends a trial when it ends. One change at a time: a change while
 * nodes are coming up is refused with a reason. A retried request (same request id) has its effect
 * once; every refusal is a {@link Rejected} with a code and a reason.
 */
public final class InstanceDecider implements Decider<InstanceCommand, InstanceState, InstanceEvent> {

    /** The domain under which every instance gets its stable service host name. */
    public static final String HOST_DOMAIN = "db.dcp.internal";

    private final Catalog catalog;

    public InstanceDecider(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public InstanceState initialState() {
        return InstanceState.initial();
    }

    /** What time owes this instance at {@code now}: the end of its trial, once that has come. */
    public static Optional<Timer.Due<InstanceCommand>> due(String instanceId, InstanceState state, Instant now) {
        boolean live = state.status() != Status.SUSPENDED && state.status() != Status.DELETED
                && state.status() != Status.NEW;
        if (live && state.trialEndsAt() != null && !now.isBefore(state.trialEndsAt())) {
            return Optional.of(new Timer.Due<>(new ExpireTrial(instanceId), state.trialEndsAt()));
        }
        return Optional.empty();
    }

    @Override
    public List<InstanceEvent> decide(InstanceCommand command, InstanceState state, Instant at) {
        if (command instanceof RequestInstance r) {
            return request(r, state);
        }
        if (command instanceof RecordNodeProvisioned n) {
            return nodeProvisioned(n, state);
        }
        if (state.status() == Status.NEW && command instanceof InstanceCommand.RecordReplacement r) {
            return List.of(new InstanceEvent.FailoverReportedEarly(r.instanceId(), new InstanceState.EarlyFailover("REPLACEMENT",
                    r.replacesNodeId(), r.nodeId(), r.role(), r.zone(), r.epoch())));
        }
        if (state.status() == Status.NEW && command instanceof InstanceCommand.RecordPromotion p) {
            return List.of(new InstanceEvent.FailoverReportedEarly(p.instanceId(), new InstanceState.EarlyFailover("PROMOTION", null,
                    p.nodeId(), NodeRole.PRIMARY, null, p.epoch())));
        }
        if (command instanceof InstanceCommand.RecordReplacement r) {
            boolean live = state.status() != Status.NEW && state.status() != Status.DELETED;
            if (!live || state.nodes().stream().anyMatch(n -> n.nodeId().equals(r.nodeId()))) {
                return List.of();
            }
            List<InstanceEvent> events = new ArrayList<>(List.of(new InstanceEvent.NodeReplaced(r.instanceId(),
                    r.replacesNodeId(), r.nodeId(), r.role(), r.zone(), r.epoch())));
            if (state.status() == Status.READY) {
                readyIfAllUp(events, state); // the replacement was reported up before this was read
            }
            return events;
        }
        if (command instanceof InstanceCommand.RecordPromotion p) {
            boolean known = state.nodes().stream().anyMatch(n -> n.nodeId().equals(p.nodeId())
                    && n.role() != NodeRole.PRIMARY);
            return known && state.status() != Status.DELETED
                    ? List.of(new InstanceEvent.PrimaryChanged(p.instanceId(), p.nodeId(), p.epoch())) : List.of();
        }
        if (command instanceof ExpireTrial e) {
            return expire(e, state);
        }
        if (command instanceof LiftTrial l) {
            return lift(l, state);
        }
        InstanceCommand.Request request = (InstanceCommand.Request) command;
        if (state.handled(request.requestId())) {
            return List.of();
        }
        Optional<Rejected> refusal = changeRefusal(request, state);
        if (refusal.isPresent()) {
            return List.of(refusal.get());
        }
        if (command instanceof ChangePlan c) {
            return changePlan(c, state);
        }
        if (command instanceof ChangeAllowlist c) {
            return RequestValidation.allowlistProblem(c.allowlist())
                    .<List<InstanceEvent>>map(p -> List.of(reject(c.requestId(), c.organizationId(), c.instanceId(),
                            p.code(), p.message())))
                    .orElseGet(() -> List.of(new AllowlistChanged(c.requestId(), c.organizationId(), c.instanceId(),
                            AccessRules.effectiveAllowlist(c.allowlist()))));
        }
        if (command instanceof DeleteInstance d) {
            return List.of(new Deleted(d.requestId(), d.organizationId(), d.instanceId()));
        }
        throw new IllegalArgumentException("unknown command " + command);
    }

    private List<InstanceEvent> request(RequestInstance r, InstanceState state) {
        if (state.handled(r.requestId())) {
            return List.of();
        }
        if (state.status() != Status.NEW) {
            return List.of(reject(r.requestId(), r.organizationId(), r.instanceId(), RejectionCode.INSTANCE_EXISTS,
                    "instance " + r.instanceId() + " already exists"));
        }
        Optional<RequestValidation.Problem> problem = RequestValidation.problem(r, catalog);
        if (problem.isPresent()) {
            return List.of(reject(r.requestId(), r.organizationId(), r.instanceId(), problem.get().code(),
                    problem.get().message()));
        }
        Catalog.Plan plan = catalog.plan(r.plan()).orElseThrow();
        Catalog.Region region = catalog.region(r.cloud(), r.region()).orElseThrow();
        boolean scripting = r.scriptingEnabled() == null || r.scriptingEnabled();
        Accepted accepted = new Accepted(r.requestId(), r.organizationId(), r.instanceId(), r.displayName(),
                r.engine(), r.cloud(), r.region(), r.plan(), catalog.version(), plan.tier().nodes(),
                serviceHost(r), AccessRules.effectiveAllowlist(r.allowlist()), scripting, r.trialEndsAt(),
                plan.backupFor(r.engine()).retentionDays(), plan.backupFor(r.engine()).mode());
        List<InstanceEvent> events = new ArrayList<>();
        events.add(accepted);
        for (int i = 0; i < plan.tier().nodes(); i++) {
            events.add(nodeRequest(accepted, r.plan(), region, i + 1, i == 0, state.epoch()));
        }
        applyEarlyFailovers(events, state, r.instanceId());
        readyIfAllUp(events, state);
        return events;
    }

    /** Why a change request about this instance cannot be applied now, if it cannot. */
    private static Optional<Rejected> changeRefusal(InstanceCommand.Request command, InstanceState state) {
        String requestId = command.requestId();
        String organizationId = command.organizationId();
        String instanceId = command.instanceId();
        RejectionCode code = null;
        String message = null;
        if (state.status() == Status.NEW) {
            code = RejectionCode.UNKNOWN_INSTANCE;
            message = "instance " + instanceId + " does not exist";
        } else if (!state.instance().organizationId().equals(organizationId)) {
            code = RejectionCode.WRONG_ORGANIZATION;
            message = "instance " + instanceId + " belongs to another organization";
        } else if (state.status() == Status.DELETED) {
            code = RejectionCode.INSTANCE_DELETED;
            message = "instance " + instanceId + " is deleted";
        } else if (command instanceof DeleteInstance) {
            return Optional.empty(); // deletion is allowed in every other state
        } else if (state.status() == Status.SUSPENDED) {
            code = RejectionCode.INSTANCE_SUSPENDED;
            message = "instance " + instanceId + " is suspended since its trial ended; upgrade to a paid tier";
        } else if (state.status() != Status.READY) {
            code = RejectionCode.CHANGE_IN_PROGRESS;
            message = "instance " + instanceId + " is " + state.status().name().toLowerCase(Locale.ROOT)
                    + "; retry when it is ready";
        }
        return code == null ? Optional.empty()
                : Optional.of(reject(requestId, organizationId, instanceId, code, message));
    }

    private List<InstanceEvent> changePlan(ChangePlan c, InstanceState state) {
        Accepted instance = state.instance();
        if (c.plan().equals(state.plan())) {
            return List.of(reject(c.requestId(), c.organizationId(), c.instanceId(), RejectionCode.PLAN_UNCHANGED,
                    "instance " + c.instanceId() + " is already on " + c.plan()));
        }
        Optional<RequestValidation.Problem> problem = RequestValidation.planProblem(c.plan(), instance.engine(), catalog);
        if (problem.isPresent()) {
            return List.of(reject(c.requestId(), c.organizationId(), c.instanceId(), problem.get().code(),
                    problem.get().message()));
        }
        Catalog.Plan plan = catalog.plan(c.plan()).orElseThrow();
        int count = plan.tier().nodes();
        List<InstanceEvent> events = new ArrayList<>();
        events.add(new PlanChanged(c.requestId(), instance.organizationId(), instance.instanceId(), state.plan(),
                c.plan(), count, AccessRules.connectionLimit(instance.engine(), plan),
                plan.backupFor(instance.engine()).retentionDays(), plan.backupFor(instance.engine()).mode(),
                catalog.version()));
        Catalog.Region region = catalog.region(instance.cloud(), instance.region()).orElseThrow();
        int next = state.nextNode();
        for (int i = state.nodes().size(); i < count; i++) {
            events.add(nodeRequest(instance, c.plan(), region, next++, false, state.epoch()));
        }
        // Standbys go, newest first; the primary stays, wherever failovers have put it in the list.
        List<Node> standbys = state.nodes().stream().filter(n -> n.role() != NodeRole.PRIMARY).toList();
        for (int i = 0; i < state.nodes().size() - count && i < standbys.size(); i++) {
            events.add(new NodeDecommissioned(instance.instanceId(), standbys.get(standbys.size() - 1 - i).nodeId(),
                    state.epoch()));
        }
        if (count <= state.nodes().size()) {
            InstanceState after = state;
            for (InstanceEvent e : events) {
                after = evolve(after, e);
            }
            events.add(ready(after));
        } else {
            readyIfAllUp(events, state); // nodes the data plane reported before they were asked for
        }
        return events;
    }

    private List<InstanceEvent> nodeProvisioned(RecordNodeProvisioned n, InstanceState state) {
        Optional<Node> planned = state.nodes().stream().filter(x -> x.nodeId().equals(n.nodeId())).findFirst();
        if (state.status() == Status.DELETED || (planned.isPresent() && planned.get().ip() != null)) {
            return List.of(); // a late or repeated report changes nothing
        }
        if (state.status() == Status.NEW || planned.isEmpty()) {
            // Reported before the request that asks for it was read (a rebuild interleaves topics): kept,
            // and the node is up as soon as it is asked for. A node never asked for stays here, bounded.
            boolean known = state.earlyNodes().stream().anyMatch(e -> e.nodeId().equals(n.nodeId()));
            return known ? List.of() : List.of(new InstanceEvent.NodeReportedEarly(n.instanceId(), n.nodeId(),
                    n.host(), n.ip(), n.zone()));
        }
        List<InstanceEvent> events = new ArrayList<>();
        NodeRecorded recorded = new NodeRecorded(n.instanceId(), n.nodeId(), n.host(), n.ip(), n.zone());
        events.add(recorded);
        InstanceState after = evolve(state, recorded);
        boolean coming = state.status() == Status.PROVISIONING || state.status() == Status.CHANGING;
        boolean replaced = state.status() == Status.READY && state.replacements().contains(n.nodeId());
        if ((coming || replaced) && after.allNodesUp()) {
            events.add(ready(after)); // after a failover's replacement: ready again with the nodes as they are
        }
        return events;
    }

    private static List<InstanceEvent> expire(ExpireTrial e, InstanceState state) {
        if (state.trialEndsAt() == null || due(e.instanceId(), state, state.trialEndsAt()).isEmpty()) {
            return List.of();
        }
        return List.of(new TrialExpired(state.instance().organizationId(), e.instanceId(), state.trialEndsAt()));
    }

    private List<InstanceEvent> lift(LiftTrial l, InstanceState state) {
        if (state.trialEndsAt() == null || state.status() == Status.DELETED || state.status() == Status.NEW) {
            return List.of();
        }
        if (state.status() == Status.SUSPENDED) {
            return List.of(new TrialLifted(l.organizationId(), l.instanceId()),
                    new Resumed(l.organizationId(), l.instanceId(), "the organization upgraded to a paid tier"));
        }
        return List.of(new TrialLifted(l.organizationId(), l.instanceId()));
    }

    /** Appends what failovers reported before the request did to the nodes just planned. */
    private void applyEarlyFailovers(List<InstanceEvent> events, InstanceState state, String instanceId) {
        if (state.earlyFailovers().isEmpty()) {
            return;
        }
        InstanceState after = state;
        for (InstanceEvent e : events) {
            after = evolve(after, e);
        }
        for (InstanceState.EarlyFailover f : state.earlyFailovers()) {
            InstanceState current = after;
            InstanceEvent applied = null;
            if ("REPLACEMENT".equals(f.kind()) && current.nodes().stream().noneMatch(n -> n.nodeId().equals(f.nodeId()))) {
                applied = new InstanceEvent.NodeReplaced(instanceId, f.replacesNodeId(),
                        f.nodeId(), f.role(), f.zone(), f.epoch());
            } else if ("PROMOTION".equals(f.kind()) && current.nodes().stream()
                    .anyMatch(n -> n.nodeId().equals(f.nodeId()) && n.role() != NodeRole.PRIMARY)) {
                applied = new InstanceEvent.PrimaryChanged(instanceId, f.nodeId(), f.epoch());
            }
            if (applied != null) {
                events.add(applied);
                after = evolve(after, applied);
            }
        }
        events.add(new InstanceEvent.EarlyFailoversApplied(instanceId));
    }

    /** Appends Ready when, after {@code events}, every planned node is up (some were reported early). */
    private void readyIfAllUp(List<InstanceEvent> events, InstanceState state) {
        InstanceState after = state;
        for (InstanceEvent e : events) {
            after = evolve(after, e);
        }
        if (after.instance() != null && after.nodes().size() > 0 && after.allNodesUp()
                && events.stream().noneMatch(e -> e instanceof Ready)) {
            events.add(ready(after));
        }
    }

    private Ready ready(InstanceState state) {
        Accepted a = state.instance();
        Catalog.Plan plan = catalog.plan(state.plan()).orElseThrow();
        return new Ready(a.organizationId(), a.instanceId(), a.serviceHost(), a.engine().port(), true,
                AccessRules.connectionLimit(a.engine(), plan), state.allowlist(), state.nodes(),
                AccessRules.commandPolicy(a.engine(), a.scriptingEnabled()), catalog.version());
    }

    private static NodeRequested nodeRequest(Accepted a, String plan, Catalog.Region region, int number,
            boolean primary, long epoch) {
        String zone = region.zones().get((number - 1) % region.zones().size());
        return new NodeRequested(a.instanceId(), a.instanceId() + "-n" + number,
                primary ? NodeRole.PRIMARY : NodeRole.STANDBY, zone, a.engine(), a.cloud(), a.region(), plan, epoch);
    }

    private static String serviceHost(RequestInstance r) {
        String slug = r.displayName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-|-$)", "");
        String id = r.instanceId().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return slug + "-" + id.substring(0, Math.min(8, id.length())) + "."
                + r.region() + "." + r.cloud().name().toLowerCase(Locale.ROOT) + "." + HOST_DOMAIN;
    }

    private static Rejected reject(String requestId, String organizationId, String instanceId, RejectionCode code,
            String message) {
        return new Rejected(requestId, organizationId, instanceId, code, message);
    }

    @Override
    public InstanceState evolve(InstanceState state, InstanceEvent event) {
        if (event instanceof Accepted a) {
            return new InstanceState(Status.PROVISIONING, a, a.plan(), a.allowlist(), List.of(), a.nodeCount(), 1,
                    state.epoch(), a.trialEndsAt(), state.requestIds(), state.replacements(), state.earlyNodes(),
                    state.earlyFailovers()).withRequest(a.requestId());
        }
        if (event instanceof NodeRequested n) {
            List<Node> nodes = new ArrayList<>(state.nodes());
            nodes.add(state.withEarlyAddress(new Node(n.nodeId(), n.role(), n.zone(), null, null)));
            state = state.withoutEarlyNode(n.nodeId());
            int number = Integer.parseInt(n.nodeId().substring(n.nodeId().lastIndexOf("-n") + 2));
            return state.withNodes(nodes, Math.max(state.nextNode(), number + 1));
        }
        if (event instanceof NodeRecorded n) {
            return state.withNodes(state.nodes().stream()
                    .map(x -> x.nodeId().equals(n.nodeId()) ? new Node(x.nodeId(), x.role(), n.zone(), n.host(), n.ip())
                            : x)
                    .toList(), state.nextNode());
        }
        if (event instanceof InstanceEvent.FailoverReportedEarly f) {
            List<InstanceState.EarlyFailover> early = new ArrayList<>(state.earlyFailovers());
            early.add(f.failover());
            return state.withEarlyFailovers(early);
        }
        if (event instanceof InstanceEvent.EarlyFailoversApplied) {
            return state.withEarlyFailovers(List.of());
        }
        if (event instanceof InstanceEvent.NodeReportedEarly e) {
            List<Node> early = new ArrayList<>(state.earlyNodes());
            early.add(new Node(e.nodeId(), null, e.zone(), e.host(), e.ip()));
            return state.withEarlyNodes(early);
        }
        if (event instanceof InstanceEvent.NodeReplaced r) {
            List<Node> nodes = new ArrayList<>(state.nodes().stream()
                    .filter(x -> !x.nodeId().equals(r.replacesNodeId())).toList());
            nodes.add(state.withEarlyAddress(new Node(r.nodeId(), r.role(), r.zone(), null, null)));
            state = state.withoutEarlyNode(r.nodeId());
            List<String> replacements = new ArrayList<>(state.replacements());
            replacements.add(r.nodeId());
            return state.withNodes(nodes, state.nextNode()).withEpoch(Math.max(state.epoch(), r.epoch()))
                    .withReplacements(replacements);
        }
        if (event instanceof InstanceEvent.PrimaryChanged p) {
            return state.withNodes(state.nodes().stream()
                    .map(x -> x.nodeId().equals(p.nodeId()) ? new Node(x.nodeId(), NodeRole.PRIMARY, x.zone(), x.host(),
                            x.ip())
                            : x.role() == NodeRole.PRIMARY ? new Node(x.nodeId(), NodeRole.STANDBY, x.zone(), x.host(),
                                    x.ip()) : x)
                    .toList(), state.nextNode()).withEpoch(Math.max(state.epoch(), p.epoch()));
        }
        if (event instanceof NodeDecommissioned d) {
            return state.withNodes(state.nodes().stream().filter(x -> !x.nodeId().equals(d.nodeId())).toList(),
                    state.nextNode());
        }
        if (event instanceof Ready) {
            return state.with(Status.READY);
        }
        if (event instanceof PlanChanged p) {
            boolean grows = p.nodeCount() > state.nodes().size();
            return state.withPlan(p.toPlan(), p.nodeCount()).with(grows ? Status.CHANGING : state.status())
                    .withRequest(p.requestId());
        }
        if (event instanceof AllowlistChanged a) {
            return state.withAllowlist(a.allowlist()).withRequest(a.requestId());
        }
        if (event instanceof Deleted d) {
            return state.with(Status.DELETED).withRequest(d.requestId());
        }
        if (event instanceof TrialExpired) {
            return state.with(Status.SUSPENDED);
        }
        if (event instanceof TrialLifted) {
            return state.withTrialEndsAt(null);
        }
        if (event instanceof Resumed) {
            return state.with(Status.READY);
        }
        return state; // Rejected: a refused request may be retried once its cause is gone
    }
}
