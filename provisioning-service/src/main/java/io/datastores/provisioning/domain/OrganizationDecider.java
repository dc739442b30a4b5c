package io.datastores.provisioning.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.datastores.kit.decider.Decider;
import io.datastores.provisioning.domain.InstanceCommand.ChangePlan;
import io.datastores.provisioning.domain.InstanceCommand.RequestInstance;
import io.datastores.provisioning.domain.OrganizationCommand.ChangeTier;
import io.datastores.provisioning.domain.OrganizationCommand.RecordOutcome;
import io.datastores.provisioning.domain.OrganizationCommand.Screen;
import io.datastores.provisioning.domain.OrganizationEvent.Admitted;
import io.datastores.provisioning.domain.OrganizationEvent.InstanceOwned;
import io.datastores.provisioning.domain.OrganizationEvent.NameReleased;
import io.datastores.provisioning.domain.OrganizationEvent.NameReserved;
import io.datastores.provisioning.domain.OrganizationEvent.PlanRecorded;
import io.datastores.provisioning.domain.OrganizationEvent.Refused;
import io.datastores.provisioning.domain.OrganizationEvent.TierChanged;
import io.datastores.provisioning.domain.OrganizationEvent.TrialLifted;

/**
 * The organization aggregate, which every request passes before its instance: it validates a new
 * instance's request, enforces the entitlement of the organization's billing tier (free tier:
 * Hobbyist trials only), and keeps display names unique per organization and engine. A name is
 * held from admission and released if the instance stage refuses the request or the instance is
 * deleted, which it learns from provisioning's own events. An organization holds at most
 * {@value #MAX_INSTANCES} instances, so that its state stays one record of bounded size.
 */
public final class OrganizationDecider implements Decider<OrganizationCommand, OrganizationState, OrganizationEvent> {

    /**
     * How many instances one organization may hold (owned, or requested and not yet decided).
     * Its state is one record in the {@code organizations} store and its changelog, and each
     * instance adds a display name and an owned entry to it: some 350 bytes at the longest names
     * and long ids (a 63-character name, 64-character ids), so 1,000 instances take about a
     * third of the 1 MB a changelog record may have (OrganizationStateSizeTest). Without a cap,
     * an organization of some 6,000 instances outgrew that limit and the stream thread died
     * (RecordTooLargeException); at the cap a request is refused
     * ({@link RejectionCode#TOO_MANY_INSTANCES}) instead.
     */
    public static final int MAX_INSTANCES = 1_000;

    private final Catalog catalog;

    public OrganizationDecider(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public OrganizationState initialState() {
        return OrganizationState.initial();
    }

    @Override
    public List<OrganizationEvent> decide(OrganizationCommand command, OrganizationState state, Instant at) {
        if (command instanceof Screen s) {
            return screen(s.command(), state, at);
        }
        if (command instanceof ChangeTier t) {
            return changeTier(t, state);
        }
        if (command instanceof RecordOutcome o) {
            return outcome(o, state);
        }
        throw new IllegalStateException("no rule for " + command);
    }

    private List<OrganizationEvent> screen(InstanceCommand command, OrganizationState state, Instant at) {
        if (command instanceof RequestInstance r) {
            return request(r, state, at);
        }
        if (command instanceof ChangePlan c && !Entitlement.allows(state.tier(), c.plan())) {
            return List.of(new Refused(c.requestId(), c.organizationId(), c.instanceId(), RejectionCode.NOT_ENTITLED,
                    Entitlement.refusal(c.plan())));
        }
        return List.of(new Admitted(command));
    }

    private List<OrganizationEvent> request(RequestInstance r, OrganizationState state, Instant at) {
        Optional<RequestValidation.Problem> problem = RequestValidation.problem(r, catalog);
        if (problem.isPresent()) {
            return List.of(refuse(r, problem.get().code(), problem.get().message()));
        }
        if (!Entitlement.allows(state.tier(), r.plan())) {
            return List.of(refuse(r, RejectionCode.NOT_ENTITLED, Entitlement.refusal(r.plan())));
        }
        if (!state.holds(r.instanceId()) && state.held() >= MAX_INSTANCES) {
            return List.of(refuse(r, RejectionCode.TOO_MANY_INSTANCES, "the organization holds "
                    + MAX_INSTANCES + " instances, as many as one may; delete one first"));
        }
        String key = OrganizationState.nameKey(r.engine(), r.displayName());
        OrganizationState.Reservation held = state.names().get(key);
        if (held != null && !held.instanceId().equals(r.instanceId())) {
            return List.of(refuse(r, RejectionCode.DISPLAY_NAME_TAKEN, "the organization already has a " + r.engine()
                    + " instance named '" + r.displayName() + "'"));
        }
        List<OrganizationEvent> events = new ArrayList<>();
        if (held == null) {
            events.add(new NameReserved(key, r.instanceId(), r.requestId()));
        }
        events.add(new Admitted(r.withTrialEndsAt(Entitlement.trialEnd(state.tier(), at))));
        return events;
    }

    private static Refused refuse(RequestInstance r, RejectionCode code, String message) {
        return new Refused(r.requestId(), r.organizationId(), r.instanceId(), code, message);
    }

    private static List<OrganizationEvent> changeTier(ChangeTier t, OrganizationState state) {
        // billing's word makes an organization known, even when it names the tier every organization
        // starts with (FREE): the tier is recorded, and GET /organizations/{id} answers it
        if (t.tier() == state.tier() && !state.equals(OrganizationState.initial())) {
            return List.of();
        }
        List<OrganizationEvent> events = new ArrayList<>();
        events.add(new TierChanged(t.tier()));
        if (t.tier() == OrganizationTier.PAID) {
            state.instances().forEach((id, owned) -> {
                if (owned.trial()) {
                    events.add(new TrialLifted(t.organizationId(), id));
                }
            });
        }
        return events;
    }

    private static List<OrganizationEvent> outcome(RecordOutcome o, OrganizationState state) {
        Optional<Map.Entry<String, OrganizationState.Reservation>> name = state.names().entrySet().stream()
                .filter(e -> e.getValue().instanceId().equals(o.instanceId())).findFirst();
        return switch (o.outcome()) {
            case ACCEPTED -> state.instances().containsKey(o.instanceId()) ? List.of()
                    : List.of(new InstanceOwned(o.instanceId(), o.requestId(), o.plan(), o.trial()));
            case REJECTED -> name
                    .filter(e -> !e.getValue().confirmed()
                            && e.getValue().requestId().equals(o.requestId()))
                    .<List<OrganizationEvent>>map(e -> List.of(new NameReleased(e.getKey(),
                            o.instanceId())))
                    .orElse(List.of());
            case DELETED -> {
                List<OrganizationEvent> events = new ArrayList<>();
                name.ifPresent(e -> events.add(new NameReleased(e.getKey(), o.instanceId())));
                yield events;
            }
            case PLAN_CHANGED -> state.instances().containsKey(o.instanceId())
                    ? List.of(new PlanRecorded(o.instanceId(), o.plan())) : List.of();
        };
    }

    @Override
    public OrganizationState evolve(OrganizationState state, OrganizationEvent event) {
        if (event instanceof TierChanged t) {
            return state.with(t.tier());
        }
        if (event instanceof NameReserved n) {
            // confirmed at once when the acceptance was heard first (a rebuild may read it before the request)
            boolean owned = state.instances().containsKey(n.instanceId());
            return state.withName(n.nameKey(), new OrganizationState.Reservation(n.instanceId(), n.requestId(), owned));
        }
        if (event instanceof InstanceOwned o) {
            OrganizationState owned = state.withInstance(o.instanceId(), new OrganizationState.Owned(o.plan(), o.trial()));
            return state.names().entrySet().stream()
                    .filter(e -> e.getValue().instanceId().equals(o.instanceId())).findFirst()
                    .map(e -> owned.withName(e.getKey(), new OrganizationState.Reservation(o.instanceId(),
                            e.getValue().requestId(), true)))
                    .orElse(owned);
        }
        if (event instanceof PlanRecorded p) {
            OrganizationState.Owned before = state.instances().get(p.instanceId());
            return state.withInstance(p.instanceId(), new OrganizationState.Owned(p.plan(), before.trial()));
        }
        if (event instanceof TrialLifted l) {
            OrganizationState.Owned before = state.instances().get(l.instanceId());
            return state.withInstance(l.instanceId(), new OrganizationState.Owned(before.plan(), false));
        }
        if (event instanceof NameReleased n) {
            OrganizationState released = state.withName(n.nameKey(), null);
            return released.instances().containsKey(n.instanceId()) && !isPending(state, n)
                    ? released.withInstance(n.instanceId(), null) : released;
        }
        if (event instanceof Admitted || event instanceof Refused) {
            return state; // they change nothing here
        }
        throw new IllegalStateException("no evolution for " + event);
    }

    private static boolean isPending(OrganizationState state, NameReleased n) {
        OrganizationState.Reservation r = state.names().get(n.nameKey());
        return r != null && !r.confirmed();
    }
}
