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
import io.datastores.provisioning.domain.InstanceCommand.RecordProvisioningFailure;
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
 * once; every refusal is a {@link Rejected} with a code and a reason. A node the data plane could
 * not start is asked for again (up to {@value #MAX_ATTEMPTS} attempts) or fails the instance with
 * the data plane's reason; a node failover replaced may rejoin, its replacement then cancelled.
 */
public final class InstanceDecider implements Decider<InstanceCommand, InstanceState, InstanceEvent> {

    /** The domain under which every instance gets its stable service host name. */
    public static final String HOST_DOMAIN = "db.dcp.internal";

    /** How many times a node is asked for before provisioning gives up on it. */
    public static final int MAX_ATTEMPTS = 3;

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
                && state.status() != Status.NEW && state.status() != Status.FAILED;
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
        if (command instanceof RecordProvisioningFailure f) {
            return provisioningFailed(f, state);
        }
        if (state.status() == Status.NEW && command instanceof InstanceCommand.RecordRejoin j) {
            return List.of(new InstanceEvent.FailoverReportedEarly(j.instanceId(), new InstanceState.EarlyFailover(
                    "REJOIN", null, j.nodeId(), NodeRole.STANDBY, j.zone(), j.epoch(), j.ip())));
        }
        if (state.status() == Status.NEW && command instanceof InstanceCommand.RecordCancellation c) {
            return List.of(new InstanceEvent.FailoverReportedEarly(c.instanceId(), new InstanceState.EarlyFailover(
                    "CANCEL", c.replacesNodeId(), c.nodeId(), null, null, c.epoch(), null)));
        }
        if (command instanceof InstanceCommand.RecordRejoin j) {
            return state.status() == Status.DELETED ? List.of() : readyAfter(rejoin(j, state), state);
        }
        if (command instanceof InstanceCommand.RecordCancellation c) {
            return state.status() == Status.DELETED ? List.of() : readyAfter(cancel(c, state), state);
        }
        if (state.status() == Status.NEW && command instanceof InstanceCommand.RecordReplacement r) {
            return List.of(new InstanceEvent.FailoverReportedEarly(r.instanceId(), new InstanceState.EarlyFailover(
                    "REPLACEMENT", r.replacesNodeId(), r.nodeId(), r.role(), r.zone(), r.epoch(), null)));
        }
        if (state.status() == Status.NEW && command instanceof InstanceCommand.RecordPromotion p) {
            return List.of(new InstanceEvent.FailoverReportedEarly(p.instanceId(), new InstanceState.EarlyFailover(
                    "PROMOTION", null, p.nodeId(), NodeRole.PRIMARY, null, p.epoch(), null)));
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
                plan.backupFor(r.engine()).retentionDays(), plan.backupFor(r.engine()).mode(),
                AccessRules.connectionLimit(r.engine(), plan), plan.tier());
        List<InstanceEvent> events = new ArrayList<>();
        events.add(accepted);
        for (int i = 0; i < plan.tier().nodes(); i++) {
            events.add(nodeRequest(accepted, r.plan(), region, i + 1, i == 0, state.epoch()));
        }
        applyEarlyFailovers(events, state, r.instanceId());
        applyEarlyFailures(events, state);
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
        } else if (state.status() == Status.FAILED) {
            code = RejectionCode.INSTANCE_FAILED;
            message = "instance " + instanceId + " failed (" + state.failureReason() + "); it can only be deleted";
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
                catalog.version(), plan.tier()));
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
                    n.host(), n.ip(), n.zone(), n.endpointAddress(), n.endpointPort()));
        }
        List<InstanceEvent> events = new ArrayList<>();
        NodeRecorded recorded = new NodeRecorded(n.instanceId(), n.nodeId(), n.host(), n.ip(), n.zone(),
                n.endpointAddress(), n.endpointPort());
        events.add(recorded);
        InstanceState after = evolve(state, recorded);
        boolean coming = state.status() == Status.PROVISIONING || state.status() == Status.CHANGING;
        boolean replaced = state.status() == Status.READY && state.replacements().contains(n.nodeId());
        if ((coming || replaced) && after.allNodesUp()) {
            events.add(ready(after)); // after a failover's replacement: ready again with the nodes as they are
        }
        return events;
    }

    /**
     * A node the data plane could not start: asked again (same node, next attempt, current epoch)
     * while the failure is retryable and attempts are left; otherwise a provisioning or changing
     * instance fails with the data plane's reason, and a serving one stays as it is, the failure
     * kept in its state. A failure of an earlier attempt, of a node that runs or is gone, changes
     * nothing.
     */
    private List<InstanceEvent> provisioningFailed(RecordProvisioningFailure f, InstanceState state) {
        if (state.status() == Status.NEW) {
            boolean known = state.earlyFailures().stream()
                    .anyMatch(e -> e.nodeId().equals(f.nodeId()) && e.attempt() >= f.attempt());
            return known ? List.of() : List.of(new InstanceEvent.FailureReportedEarly(f.instanceId(),
                    new InstanceState.NodeFailure(f.nodeId(), f.attempt(), f.reason(), f.retryable(), false)));
        }
        Optional<Node> node = state.nodes().stream().filter(n -> n.nodeId().equals(f.nodeId())).findFirst();
        boolean seen = state.nodeFailures().stream()
                .anyMatch(x -> x.nodeId().equals(f.nodeId()) && x.attempt() >= f.attempt());
        if (state.status() == Status.DELETED || node.isEmpty() || node.get().ip() != null
                || f.attempt() < state.attempt(f.nodeId()) || seen) {
            return List.of();
        }
        boolean giveUp = !f.retryable() || f.attempt() >= MAX_ATTEMPTS;
        List<InstanceEvent> events = new ArrayList<>();
        events.add(new InstanceEvent.NodeFailureRecorded(f.instanceId(), new InstanceState.NodeFailure(f.nodeId(),
                f.attempt(), f.reason(), f.retryable(), giveUp)));
        Accepted a = state.instance();
        Node n = node.get();
        if (!giveUp) {
            events.add(new NodeRequested(a.instanceId(), n.nodeId(), n.role(), n.zone(), a.engine(), a.cloud(),
                    a.region(), state.plan(), state.epoch(), f.attempt() + 1));
        } else if (state.status() == Status.PROVISIONING || state.status() == Status.CHANGING) {
            String attempts = f.retryable() ? "attempt " + f.attempt() + " of " + MAX_ATTEMPTS
                    : "attempt " + f.attempt() + ", not retryable";
            events.add(new InstanceEvent.Failed(a.organizationId(), a.instanceId(), n.nodeId(), "node "
                    + n.nodeId() + " could not be started (" + attempts + "): " + f.reason()));
        }
        return events;
    }

    /** A node failover replaced is a standby again: back in the nodes, with the address it had. */
    private static List<InstanceEvent> rejoin(InstanceCommand.RecordRejoin j, InstanceState state) {
        Optional<Node> present = state.nodes().stream().filter(n -> n.nodeId().equals(j.nodeId())).findFirst();
        if (present.isPresent()) {
            Node n = present.get();
            String ip = j.ip() != null ? j.ip() : n.ip();
            return n.role() == NodeRole.STANDBY && java.util.Objects.equals(ip, n.ip()) ? List.of()
                    : List.of(new InstanceEvent.NodeRejoined(j.instanceId(), n.nodeId(),
                            j.zone() != null ? j.zone() : n.zone(), n.host() != null ? n.host() : ip, ip, j.epoch()));
        }
        Optional<Node> retired = state.retiredNodes().stream().filter(n -> n.nodeId().equals(j.nodeId())).findFirst();
        String ip = j.ip() != null ? j.ip() : retired.map(Node::ip).orElse(null);
        String host = retired.map(Node::host).filter(java.util.Objects::nonNull).orElse(ip);
        String zone = j.zone() != null ? j.zone() : retired.map(Node::zone).orElse("");
        return List.of(new InstanceEvent.NodeRejoined(j.instanceId(), j.nodeId(), zone, host, ip, j.epoch()));
    }

    /** A replacement failover no longer needs (never the primary) leaves the nodes. */
    private static List<InstanceEvent> cancel(InstanceCommand.RecordCancellation c, InstanceState state) {
        boolean standby = state.nodes().stream()
                .anyMatch(n -> n.nodeId().equals(c.nodeId()) && n.role() != NodeRole.PRIMARY);
        return standby ? List.of(new InstanceEvent.ReplacementDropped(c.instanceId(), c.nodeId())) : List.of();
    }

    /**
     * {@code events}, and Ready after them when the instance serves (or is coming up) and every node
     * runs: the nodes as they are now.
     */
    private List<InstanceEvent> readyAfter(List<InstanceEvent> events, InstanceState state) {
        if (events.isEmpty()) {
            return events;
        }
        InstanceState after = state;
        for (InstanceEvent e : events) {
            after = evolve(after, e);
        }
        boolean serving = after.status() == Status.READY || after.status() == Status.PROVISIONING
                || after.status() == Status.CHANGING;
        if (!serving || after.instance() == null || after.nodes().isEmpty() || !after.allNodesUp()) {
            return events;
        }
        List<InstanceEvent> out = new ArrayList<>(events);
        out.add(ready(after));
        return out;
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
            } else if ("REJOIN".equals(f.kind())) {
                applied = rejoin(new InstanceCommand.RecordRejoin(instanceId, f.nodeId(), f.epoch(), f.ip(), f.zone()),
                        current).stream().findFirst().orElse(null);
            } else if ("CANCEL".equals(f.kind())) {
                applied = cancel(new InstanceCommand.RecordCancellation(instanceId, f.nodeId(), f.replacesNodeId(),
                        f.epoch()), current).stream().findFirst().orElse(null);
            }
            if (applied != null) {
                events.add(applied);
                after = evolve(after, applied);
            }
        }
        events.add(new InstanceEvent.EarlyFailoversApplied(instanceId));
    }

    /** Appends what the data plane's failures, reported before the request, ask of the nodes just planned. */
    private void applyEarlyFailures(List<InstanceEvent> events, InstanceState state) {
        InstanceState after = state;
        for (InstanceEvent e : events) {
            after = evolve(after, e);
        }
        for (InstanceState.NodeFailure f : state.earlyFailures()) {
            for (InstanceEvent e : provisioningFailed(new RecordProvisioningFailure(after.instance().instanceId(),
                    f.nodeId(), f.attempt(), f.reason(), f.retryable()), after)) {
                events.add(e);
                after = evolve(after, e);
            }
        }
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
        InstanceState.Endpoint endpoint = state.endpoint();
        int port = endpoint != null && endpoint.port() != null ? endpoint.port() : a.engine().port();
        return new Ready(a.organizationId(), a.instanceId(), a.serviceHost(), port, true,
                AccessRules.connectionLimit(a.engine(), plan), state.allowlist(), state.nodes(),
                AccessRules.commandPolicy(a.engine(), a.scriptingEnabled()), catalog.version(),
                endpoint == null ? null : endpoint.address());
    }

    private static NodeRequested nodeRequest(Accepted a, String plan, Catalog.Region region, int number,
            boolean primary, long epoch) {
        String zone = region.zones().get((number - 1) % region.zones().size());
        return new NodeRequested(a.instanceId(), a.instanceId() + "-n" + number,
                primary ? NodeRole.PRIMARY : NodeRole.STANDBY, zone, a.engine(), a.cloud(), a.region(), plan, epoch,
                1);
    }

    /** The number of a node provisioning named ({@code <instance>-n<number>}); 0 for failover's replacements. */
    private static int nodeNumber(String nodeId) {
        int at = nodeId.lastIndexOf("-n");
        try {
            return at < 0 ? 0 : Integer.parseInt(nodeId.substring(at + 2));
        } catch (NumberFormatException e) {
            return 0;
        }
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
            return state.copy(c -> {
                c.status = Status.PROVISIONING;
                c.instance = a;
                c.plan = a.plan();
                c.allowlist = a.allowlist();
                c.nodes = List.of();
                c.nodeCount = a.nodeCount();
                c.nextNode = 1;
                c.trialEndsAt = a.trialEndsAt();
                c.earlyFailures = List.of(); // decided with the acceptance (applyEarlyFailures)
            }).withRequest(a.requestId());
        }
        if (event instanceof NodeRequested n) {
            if (state.nodes().stream().anyMatch(x -> x.nodeId().equals(n.nodeId()))) {
                return state.withAttempt(n.nodeId(), n.attempt()); // asked again after a failure
            }
            List<Node> nodes = new ArrayList<>(state.nodes());
            nodes.add(state.withEarlyAddress(new Node(n.nodeId(), n.role(), n.zone(), null, null)));
            state = state.withoutEarlyNode(n.nodeId()).withAttempt(n.nodeId(), n.attempt());
            return state.withNodes(nodes, Math.max(state.nextNode(), nodeNumber(n.nodeId()) + 1));
        }
        if (event instanceof NodeRecorded n) {
            return state.withNodes(state.nodes().stream()
                    .map(x -> x.nodeId().equals(n.nodeId()) ? new Node(x.nodeId(), x.role(), n.zone(), n.host(), n.ip())
                            : x)
                    .toList(), state.nextNode()).withEndpoint(n.endpointAddress(), n.endpointPort())
                    .withoutFailuresOf(n.nodeId());
        }
        if (event instanceof InstanceEvent.NodeFailureRecorded f) {
            return state.withFailure(f.failure());
        }
        if (event instanceof InstanceEvent.FailureReportedEarly f) {
            List<InstanceState.NodeFailure> early = new ArrayList<>(state.earlyFailures());
            early.add(f.failure());
            return state.withEarlyFailures(early);
        }
        if (event instanceof InstanceEvent.Failed f) {
            return state.failed(f.reason());
        }
        if (event instanceof InstanceEvent.NodeRejoined j) {
            Node back = new Node(j.nodeId(), NodeRole.STANDBY, j.zone(), j.host(), j.ip());
            List<Node> nodes = new ArrayList<>(state.nodes().stream()
                    .map(x -> x.nodeId().equals(j.nodeId()) ? back : x).toList());
            if (nodes.stream().noneMatch(x -> x.nodeId().equals(j.nodeId()))) {
                nodes.add(back);
            }
            return state.withNodes(nodes, state.nextNode()).withEpoch(Math.max(state.epoch(), j.epoch()));
        }
        if (event instanceof InstanceEvent.ReplacementDropped d) {
            return state.withNodes(state.nodes().stream().filter(x -> !x.nodeId().equals(d.nodeId())).toList(),
                    state.nextNode()).withReplacements(state.replacements().stream()
                            .filter(r -> !r.equals(d.nodeId())).toList())
                    .withoutFailuresOf(d.nodeId());
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
            return state.withEarlyNodes(early).withEndpoint(e.endpointAddress(), e.endpointPort());
        }
        if (event instanceof InstanceEvent.NodeReplaced r) {
            Optional<Node> replaced = state.nodes().stream().filter(x -> x.nodeId().equals(r.replacesNodeId()))
                    .findFirst();
            if (replaced.isPresent()) {
                state = state.retiring(replaced.get());
            }
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
                    state.nextNode()).withoutFailuresOf(d.nodeId());
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
