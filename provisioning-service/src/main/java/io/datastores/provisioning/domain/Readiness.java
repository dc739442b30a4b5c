package io.datastores.provisioning.domain;

import java.util.ArrayList;
import java.util.List;

import io.datastores.provisioning.domain.InstanceEvent.Accepted;
import io.datastores.provisioning.domain.InstanceEvent.Ready;
import io.datastores.provisioning.domain.InstanceState.Endpoint;

/**
 * When an instance is ready, and what it publishes then: a {@link Ready} with its nodes as they
 * are, its endpoint's port (or its engine's), and the limits and access rules of its plan in the
 * catalog.
 */
final class Readiness {

    private final Catalog catalog;
    private final InstanceDecider decider;

    /** {@code decider} folds the events decided so far, to see the state they leave. */
    Readiness(Catalog catalog, InstanceDecider decider) {
        this.catalog = catalog;
        this.decider = decider;
    }

    /** The Ready an instance in {@code state} publishes. */
    Ready ready(InstanceState state) {
        Accepted a = state.instance();
        Catalog.Plan plan = catalog.plan(state.terms().plan()).orElseThrow();
        Endpoint endpoint = state.topology().endpoint();
        int port = endpoint != null && endpoint.port() != null ? endpoint.port()
                : a.engine().port();
        return new Ready(a.organizationId(), a.instanceId(), a.serviceHost(), port, true,
                AccessRules.connectionLimit(a.engine(), plan), state.terms().allowlist(),
                state.topology().nodes(),
                AccessRules.commandPolicy(a.engine(), a.scriptingEnabled()), catalog.version(),
                endpoint == null ? null : endpoint.address());
    }

    /** Appends Ready with the state {@code events} leave. */
    void readyAfter(List<InstanceEvent> events, InstanceState state) {
        events.add(ready(decider.fold(state, events)));
    }

    /**
     * {@code events}, and Ready after them when the instance serves (or is coming up) and every
     * node runs: the nodes as they are now.
     */
    List<InstanceEvent> readyIfLive(List<InstanceEvent> events, InstanceState state) {
        if (events.isEmpty()) {
            return events;
        }
        InstanceState after = decider.fold(state, events);
        if (!after.status().live() || after.instance() == null
                || after.topology().nodes().isEmpty() || !after.allNodesUp()) {
            return events;
        }
        List<InstanceEvent> out = new ArrayList<>(events);
        out.add(ready(after));
        return out;
    }

    /**
     * Appends Ready when, after {@code events}, every planned node is up (some were reported
     * early).
     */
    void readyIfAllUp(List<InstanceEvent> events, InstanceState state) {
        InstanceState after = decider.fold(state, events);
        if (after.instance() != null && !after.topology().nodes().isEmpty() && after.allNodesUp()
                && events.stream().noneMatch(e -> e instanceof Ready)) {
            events.add(ready(after));
        }
    }
}
