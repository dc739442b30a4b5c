package io.datastores.provisioning.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.datastores.provisioning.domain.InstanceCommand.RequestInstance;
import io.datastores.provisioning.domain.InstanceEvent.Accepted;
import io.datastores.provisioning.domain.InstanceState.Status;

/**
 * A new instance's request, checked again against the catalog (the organization stage checked it
 * before, but the catalog may have changed since): refused with a code and a reason, or accepted
 * with its service host named and its nodes planned per tier (a primary and standbys spread over
 * the region's zones). What was reported about the instance before its request was read (nodes
 * up, failovers, failures) is applied to those nodes at once. A retried request has its effect
 * once; another request for an existing instance is refused.
 */
final class Admission {

    private final Catalog catalog;
    private final InstanceDecider decider;
    private final NodeProvisioning provisioning;
    private final Readiness readiness;

    /** {@code decider} folds the events decided so far, to see the state they leave. */
    Admission(Catalog catalog, InstanceDecider decider, NodeProvisioning provisioning,
            Readiness readiness) {
        this.catalog = catalog;
        this.decider = decider;
        this.provisioning = provisioning;
        this.readiness = readiness;
    }

    List<InstanceEvent> request(RequestInstance r, InstanceState state) {
        if (state.handled(r.requestId())) {
            return List.of();
        }
        if (state.status() != Status.NEW) {
            return List.of(Changes.rejected(r, RejectionCode.INSTANCE_EXISTS,
                    "instance " + r.instanceId() + " already exists"));
        }
        Optional<RequestValidation.Problem> problem = RequestValidation.problem(r, catalog);
        if (problem.isPresent()) {
            return List.of(Changes.rejected(r, problem.get().code(), problem.get().message()));
        }
        Catalog.Plan plan = catalog.plan(r.plan()).orElseThrow();
        Catalog.Region region = catalog.region(r.cloud(), r.region()).orElseThrow();
        Accepted accepted = accepted(r, plan);
        List<InstanceEvent> events = new ArrayList<>();
        events.add(accepted);
        for (int i = 0; i < plan.tier().nodes(); i++) {
            events.add(NodeProvisioning.request(accepted, r.plan(), region, i + 1, i == 0,
                    state.topology().epoch()));
        }
        EarlyFailovers.apply(events, state, r.instanceId(), decider);
        provisioning.applyEarlyFailures(events, state);
        readiness.readyIfAllUp(events, state);
        return events;
    }

    private Accepted accepted(RequestInstance r, Catalog.Plan plan) {
        boolean scripting = r.scriptingEnabled() == null || r.scriptingEnabled();
        Catalog.BackupPolicy backup = plan.backupFor(r.engine());
        return new Accepted(r.requestId(), r.organizationId(), r.instanceId(), r.displayName(),
                r.engine(), r.cloud(), r.region(), r.plan(), catalog.version(),
                plan.tier().nodes(), serviceHost(r), AccessRules.effectiveAllowlist(r.allowlist()),
                scripting, r.trialEndsAt(), backup.retentionDays(), backup.mode(),
                AccessRules.connectionLimit(r.engine(), plan), plan.tier());
    }

    /**
     * {@code <display-name>-<first 8 of the id>.<region>.<cloud>.}
     * {@value InstanceDecider#HOST_DOMAIN}.
     */
    private static String serviceHost(RequestInstance r) {
        String slug = r.displayName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-|-$)", "");
        String id = r.instanceId().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return slug + "-" + id.substring(0, Math.min(8, id.length())) + "." + r.region() + "."
                + r.cloud().name().toLowerCase(Locale.ROOT) + "." + InstanceDecider.HOST_DOMAIN;
    }
}
