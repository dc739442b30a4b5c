package io.datastores.provisioning.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.datastores.kit.decider.Decider;
import io.datastores.kit.decider.Timer;
import io.datastores.provisioning.domain.InstanceCommand.ChangeAllowlist;
import io.datastores.provisioning.domain.InstanceCommand.ChangePlan;
import io.datastores.provisioning.domain.InstanceCommand.DeleteInstance;
import io.datastores.provisioning.domain.InstanceCommand.ExpireTrial;
import io.datastores.provisioning.domain.InstanceCommand.LiftTrial;
import io.datastores.provisioning.domain.InstanceCommand.RecordCancellation;
import io.datastores.provisioning.domain.InstanceCommand.RecordNodeProvisioned;
import io.datastores.provisioning.domain.InstanceCommand.RecordPromotion;
import io.datastores.provisioning.domain.InstanceCommand.RecordProvisioningFailure;
import io.datastores.provisioning.domain.InstanceCommand.RecordRejoin;
import io.datastores.provisioning.domain.InstanceCommand.RecordReplacement;
import io.datastores.provisioning.domain.InstanceCommand.RequestInstance;

/**
 * The instance aggregate, after the organization stage admitted a request: each command goes to
 * the rule module that owns it, each event to {@link InstanceEvolution}.
 * <ul>
 * <li>{@link Admission}: a new instance's request, checked, accepted and its nodes planned per
 * tier (primary and standbys spread over the region's zones);</li>
 * <li>{@link Changes} and {@link PlanChange}: requests about an existing instance, one change at
 * a time (a change while nodes are coming up is refused with a reason): plan and allow-list
 * changes, deletion;</li>
 * <li>{@link NodeProvisioning}: nodes up, or that the data plane could not start (asked again, up
 * to {@value #MAX_ATTEMPTS} attempts, or the instance fails with the data plane's reason);</li>
 * <li>{@link Failovers} and {@link EarlyFailovers}: replacements, promotions, rejoins and
 * cancelled replacements;</li>
 * <li>{@link Trial}: a trial's end suspends the instance, a paying organization lifts it;</li>
 * <li>{@link Readiness}: when the instance is ready, and what it publishes then.</li>
 * </ul>
 * A retried request (same request id) has its effect once; every refusal is a
 * {@link InstanceEvent.Rejected} with a code and a reason.
 */
public final class InstanceDecider
        implements Decider<InstanceCommand, InstanceState, InstanceEvent> {

    /** The domain under which every instance gets its stable service host name. */
    public static final String HOST_DOMAIN = "db.dcp.internal";

    /** How many times a node is asked for before provisioning gives up on it. */
    public static final int MAX_ATTEMPTS = 3;

    private final Admission admission;
    private final PlanChange planChange;
    private final NodeProvisioning provisioning;
    private final Failovers failovers;

    public InstanceDecider(Catalog catalog) {
        Readiness readiness = new Readiness(catalog, this);
        this.provisioning = new NodeProvisioning(this, readiness);
        this.admission = new Admission(catalog, this, provisioning, readiness);
        this.planChange = new PlanChange(catalog, readiness);
        this.failovers = new Failovers(readiness);
    }

    @Override
    public InstanceState initialState() {
        return InstanceState.initial();
    }

    /** What time owes this instance at {@code now}: the end of its trial, once that has come. */
    public static Optional<Timer.Due<InstanceCommand>> due(String instanceId, InstanceState state,
            Instant now) {
        return Trial.due(instanceId, state, now);
    }

    @Override
    public List<InstanceEvent> decide(InstanceCommand command, InstanceState state, Instant at) {
        if (command instanceof RequestInstance r) {
            return admission.request(r, state);
        }
        if (command instanceof ChangePlan c) {
            return Changes.refused(c, state).orElseGet(() -> planChange.change(c, state));
        }
        if (command instanceof ChangeAllowlist c) {
            return Changes.refused(c, state).orElseGet(() -> Changes.allowlist(c));
        }
        if (command instanceof DeleteInstance d) {
            return Changes.refused(d, state).orElseGet(() -> Changes.delete(d));
        }
        if (command instanceof RecordNodeProvisioned n) {
            return provisioning.provisioned(n, state);
        }
        if (command instanceof RecordProvisioningFailure f) {
            return provisioning.failed(f, state);
        }
        if (command instanceof RecordReplacement r) {
            return failovers.replaced(r, state);
        }
        if (command instanceof RecordPromotion p) {
            return failovers.promoted(p, state);
        }
        if (command instanceof RecordRejoin j) {
            return failovers.rejoined(j, state);
        }
        if (command instanceof RecordCancellation c) {
            return failovers.cancelled(c, state);
        }
        if (command instanceof ExpireTrial e) {
            return Trial.expire(e, state);
        }
        if (command instanceof LiftTrial l) {
            return Trial.lift(l, state);
        }
        throw new IllegalStateException("no rule for " + command);
    }

    @Override
    public InstanceState evolve(InstanceState state, InstanceEvent event) {
        return InstanceEvolution.evolve(state, event);
    }
}
