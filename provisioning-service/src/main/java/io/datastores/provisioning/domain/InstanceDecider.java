package io.datastores.provisioning.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.datastores.kit.decider.Decider;
import io.datastores.provisioning.domain.InstanceCommand.ChangeAllowlist;
import io.datastores.provisioning.domain.InstanceCommand.ChangePlan;
import io.datastores.provisioning.domain.InstanceCommand.DeleteInstance;
import io.datastores.provisioning.domain.InstanceCommand.RecordNodeProvisioned;
import io.datastores.provisioning.domain.InstanceCommand.RequestInstance;
import io.datastores.provisioning.domain.InstanceEvent.Accepted;
import io.datastores.provisioning.domain.InstanceEvent.AllowlistChanged;
import io.datastores.provisioning.domain.InstanceEvent.Deleted;
import io.datastores.provisioning.domain.InstanceEvent.Node;
import io.datastores.provisioning.domain.InstanceEvent.NodeRecorded;
import io.datastores.provisioning.domain.InstanceEvent.NodeRequested;
import io.datastores.provisioning.domain.InstanceEvent.PlanChanged;
import io.datastores.provisioning.domain.InstanceEvent.Ready;
import io.datastores.provisioning.domain.InstanceEvent.Rejected;
import io.datastores.provisioning.domain.InstanceState.Status;

/**
 * The instance aggregate: validates requests against the catalog, plans nodes per tier (primary
 * and standbys spread over the region's zones), publishes the instance ready when every node
 * runs, and applies plan, allow-list and deletion requests. Every refusal is a {@link Rejected}
 * with a code and a reason; a retried request (same request id) has its effect once.
 */
public final class InstanceDecider implements Decider<InstanceCommand, InstanceState, InstanceEvent> {

    /** The domain under which every instance gets its stable service host name. */
    public static final String HOST_DOMAIN = "db.dcp.internal";
    private static final int MAX_DISPLAY_NAME = 63;

    private final Catalog catalog;

    public InstanceDecider(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public InstanceState initialState() {
        return InstanceState.initial();
    }

    @Override
    public List<InstanceEvent> decide(InstanceCommand command, InstanceState state, Instant at) {
        if (command instanceof RequestInstance r) {
            return request(r, state);
        }
        if (command instanceof ChangePlan c) {
            return changePlan(c, state);
        }
        if (command instanceof ChangeAllowlist c) {
            return changeAllowlist(c, state);
        }
        if (command instanceof DeleteInstance d) {
            return delete(d, state);
        }
        if (command instanceof RecordNodeProvisioned n) {
            return nodeProvisioned(n, state);
        }
        throw new IllegalArgumentException("unknown command " + command);
    }

    private List<InstanceEvent> request(RequestInstance r, InstanceState state) {
        if (state.handled(r.requestId())) {
            return List.of();
        }
        Optional<Rejected> refusal = firstProblem(r)
                .or(() -> state.status() == Status.NEW ? Optional.empty()
                        : Optional.of(reject(r.requestId(), r.organizationId(), r.instanceId(),
                                RejectionCode.INSTANCE_EXISTS, "instance " + r.instanceId() + " already exists")));
        if (refusal.isPresent()) {
            return List.of(refusal.get());
        }
        Catalog.Plan plan = catalog.plan(r.plan()).orElseThrow();
        Catalog.Region region = catalog.region(r.cloud(), r.region()).orElseThrow();
        boolean scripting = r.scriptingEnabled() == null || r.scriptingEnabled();
        Accepted accepted = new Accepted(r.requestId(), r.organizationId(), r.instanceId(), r.displayName(),
                r.engine(), r.cloud(), r.region(), r.plan(), catalog.version(), plan.tier().nodes(),
                serviceHost(r), AccessRules.effectiveAllowlist(r.allowlist()), scripting);
        List<InstanceEvent> events = new ArrayList<>();
        events.add(accepted);
        for (int i = 0; i < plan.tier().nodes(); i++) {
            events.add(nodeRequest(accepted, r.plan(), region, i, state.epoch()));
        }
        return events;
    }

    private Optional<Rejected> firstProblem(RequestInstance r) {
        String name = r.displayName() == null ? "" : r.displayName();
        if (!r.tlsRequired()) {
            return rejected(r, RejectionCode.PLAINTEXT_NOT_ALLOWED, "TLS is always enforced; plaintext is not offered");
        }
        if (name.isBlank() || name.length() > MAX_DISPLAY_NAME || !name.matches("[A-Za-z0-9][A-Za-z0-9 _-]*")) {
            return rejected(r, RejectionCode.INVALID_DISPLAY_NAME, "display name must be 1-" + MAX_DISPLAY_NAME
                    + " letters, digits, spaces, '-' or '_', starting with a letter or digit");
        }
        if (catalog.plan(r.plan()).isEmpty()) {
            return rejected(r, RejectionCode.UNKNOWN_PLAN, "plan '" + r.plan() + "' is not in catalog "
                    + catalog.version());
        }
        if (catalog.region(r.cloud(), r.region()).isEmpty()) {
            return rejected(r, RejectionCode.UNKNOWN_REGION, "region '" + r.region() + "' is not offered on "
                    + r.cloud());
        }
        return allowlistProblem(r.allowlist())
                .flatMap(problem -> rejected(r, RejectionCode.INVALID_CIDR, problem));
    }

    private static Optional<String> allowlistProblem(List<String> allowlist) {
        for (String entry : allowlist == null ? List.<String>of() : allowlist) {
            Optional<String> problem = Cidr.problem(entry);
            if (problem.isPresent()) {
                return Optional.of("invalid allow-list entry: " + problem.get());
            }
        }
        return Optional.empty();
    }

    private List<InstanceEvent> changePlan(ChangePlan c, InstanceState state) {
        if (state.handled(c.requestId())) {
            return List.of();
        }
        Optional<Rejected> refusal = existing(c.requestId(), c.organizationId(), c.instanceId(), state, true)
                .or(() -> catalog.plan(c.plan()).isPresent() ? Optional.empty()
                        : Optional.of(reject(c.requestId(), c.organizationId(), c.instanceId(),
                                RejectionCode.UNKNOWN_PLAN, "plan '" + c.plan() + "' is not in catalog "
                                        + catalog.version())));
        if (refusal.isPresent()) {
            return List.of(refusal.get());
        }
        Catalog.Plan plan = catalog.plan(c.plan()).orElseThrow();
        Accepted instance = state.instance();
        List<InstanceEvent> events = new ArrayList<>();
        events.add(new PlanChanged(c.requestId(), instance.organizationId(), instance.instanceId(), state.plan(), c.plan(),
                plan.tier().nodes(), AccessRules.connectionLimit(instance.engine(), plan), catalog.version()));
        Catalog.Region region = catalog.region(instance.cloud(), instance.region()).orElseThrow();
        for (int i = state.nodes().size(); i < plan.tier().nodes(); i++) {
            events.add(nodeRequest(instance, c.plan(), region, i, state.epoch()));
        }
        return events;
    }

    private List<InstanceEvent> changeAllowlist(ChangeAllowlist c, InstanceState state) {
        if (state.handled(c.requestId())) {
            return List.of();
        }
        Optional<Rejected> refusal = existing(c.requestId(), c.organizationId(), c.instanceId(), state, false)
                .or(() -> allowlistProblem(c.allowlist()).map(p -> reject(c.requestId(), c.organizationId(),
                        c.instanceId(), RejectionCode.INVALID_CIDR, p)));
        if (refusal.isPresent()) {
            return List.of(refusal.get());
        }
        return List.of(new AllowlistChanged(c.requestId(), c.organizationId(), c.instanceId(),
                AccessRules.effectiveAllowlist(c.allowlist())));
    }

    private List<InstanceEvent> delete(DeleteInstance d, InstanceState state) {
        if (state.handled(d.requestId())) {
            return List.of();
        }
        Optional<Rejected> refusal = existing(d.requestId(), d.organizationId(), d.instanceId(), state, false);
        return List.of(refusal.isPresent() ? refusal.get() : new Deleted(d.requestId(), d.organizationId(), d.instanceId()));
    }

    private List<InstanceEvent> nodeProvisioned(RecordNodeProvisioned n, InstanceState state) {
        Optional<Node> planned = state.nodes().stream().filter(x -> x.nodeId().equals(n.nodeId())).findFirst();
        if (state.status() == Status.NEW || planned.isEmpty()) {
            return List.of(reject("", "", n.instanceId(), RejectionCode.UNKNOWN_INSTANCE,
                    "NodeProvisioned for node " + n.nodeId() + " that provisioning never asked for"));
        }
        if (state.status() == Status.DELETED || planned.get().ip() != null) {
            return List.of(); // a late or repeated report changes nothing
        }
        List<InstanceEvent> events = new ArrayList<>();
        NodeRecorded recorded = new NodeRecorded(n.instanceId(), n.nodeId(), n.host(), n.ip(), n.zone());
        events.add(recorded);
        InstanceState after = evolve(state, recorded);
        if (state.status() == Status.PROVISIONING && after.allNodesUp()) {
            events.add(ready(after));
        }
        return events;
    }

    private Ready ready(InstanceState state) {
        Accepted a = state.instance();
        Catalog.Plan plan = catalog.plan(state.plan()).orElseThrow();
        return new Ready(a.organizationId(), a.instanceId(), a.serviceHost(), a.engine().port(), true,
                AccessRules.connectionLimit(a.engine(), plan), state.allowlist(), state.nodes(),
                AccessRules.commandPolicy(a.engine(), a.scriptingEnabled()), catalog.version());
    }

    /** Refusal of a request about an instance that must exist (and be ready, when asked). */
    private Optional<Rejected> existing(String requestId, String organizationId, String instanceId,
            InstanceState state, boolean mustBeReady) {
        if (state.status() == Status.NEW) {
            return Optional.of(reject(requestId, organizationId, instanceId, RejectionCode.UNKNOWN_INSTANCE,
                    "instance " + instanceId + " does not exist"));
        }
        if (!state.instance().organizationId().equals(organizationId)) {
            return Optional.of(reject(requestId, organizationId, instanceId, RejectionCode.WRONG_ORGANIZATION,
                    "instance " + instanceId + " belongs to another organization"));
        }
        if (state.status() == Status.DELETED) {
            return Optional.of(reject(requestId, organizationId, instanceId, RejectionCode.INSTANCE_DELETED,
                    "instance " + instanceId + " is deleted"));
        }
        if (mustBeReady && state.status() != Status.READY) {
            return Optional.of(reject(requestId, organizationId, instanceId, RejectionCode.INSTANCE_NOT_READY,
                    "instance " + instanceId + " is still " + state.status().name().toLowerCase(Locale.ROOT)
                            + "; retry when it is ready"));
        }
        return Optional.empty();
    }

    private static NodeRequested nodeRequest(Accepted a, String plan, Catalog.Region region, int index, long epoch) {
        String zone = region.zones().get(index % region.zones().size());
        return new NodeRequested(a.instanceId(), a.instanceId() + "-n" + (index + 1),
                index == 0 ? NodeRole.PRIMARY : NodeRole.STANDBY, zone, a.engine(), a.cloud(), a.region(), plan,
                epoch);
    }

    private static String serviceHost(RequestInstance r) {
        String slug = r.displayName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-|-$)", "");
        String id = r.instanceId().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return slug + "-" + id.substring(0, Math.min(8, id.length())) + "."
                + r.region() + "." + r.cloud().name().toLowerCase(Locale.ROOT) + "." + HOST_DOMAIN;
    }

    private static Optional<Rejected> rejected(RequestInstance r, RejectionCode code, String message) {
        return Optional.of(reject(r.requestId(), r.organizationId(), r.instanceId(), code, message));
    }

    private static Rejected reject(String requestId, String organizationId, String instanceId, RejectionCode code,
            String message) {
        return new Rejected(requestId, organizationId, instanceId, code, message);
    }

    @Override
    public InstanceState evolve(InstanceState state, InstanceEvent event) {
        if (event instanceof Accepted a) {
            return new InstanceState(Status.PROVISIONING, a, a.plan(), a.allowlist(), List.of(), a.nodeCount(),
                    state.epoch(), state.requestIds()).withRequest(a.requestId());
        }
        if (event instanceof NodeRequested n) {
            List<Node> nodes = new ArrayList<>(state.nodes());
            nodes.add(new Node(n.nodeId(), n.role(), n.zone(), null, null));
            return state.withNodes(nodes);
        }
        if (event instanceof NodeRecorded n) {
            return state.withNodes(state.nodes().stream()
                    .map(x -> x.nodeId().equals(n.nodeId()) ? new Node(x.nodeId(), x.role(), n.zone(), n.host(), n.ip())
                            : x)
                    .toList());
        }
        if (event instanceof Ready) {
            return state.with(Status.READY);
        }
        if (event instanceof PlanChanged p) {
            return new InstanceState(state.status(), state.instance(), p.toPlan(), state.allowlist(),
                    List.copyOf(state.nodes().subList(0, Math.min(state.nodes().size(), p.nodeCount()))),
                    p.nodeCount(), state.epoch(), state.requestIds()).withRequest(p.requestId());
        }
        if (event instanceof AllowlistChanged a) {
            return new InstanceState(state.status(), state.instance(), state.plan(), a.allowlist(), state.nodes(),
                    state.nodeCount(), state.epoch(), state.requestIds()).withRequest(a.requestId());
        }
        if (event instanceof Deleted d) {
            return state.with(Status.DELETED).withRequest(d.requestId());
        }
        return state; // Rejected: a refused request may be retried once its cause is gone
    }
}
