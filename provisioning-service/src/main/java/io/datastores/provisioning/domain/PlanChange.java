package io.datastores.provisioning.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.datastores.provisioning.domain.InstanceCommand.ChangePlan;
import io.datastores.provisioning.domain.InstanceEvent.Accepted;
import io.datastores.provisioning.domain.InstanceEvent.Node;
import io.datastores.provisioning.domain.InstanceEvent.NodeDecommissioned;
import io.datastores.provisioning.domain.InstanceEvent.PlanChanged;
import io.datastores.provisioning.domain.InstanceState.Topology;

/**
 * A ready instance moves to another plan: refused when it is the same plan, or one the catalog
 * does not offer for the instance's engine. Otherwise the new plan's limits and backups are
 * published, nodes are asked for (numbered on, never reusing an id) or standbys decommissioned,
 * newest first (the primary stays, wherever failovers have put it), and the instance is ready
 * again at once when it does not grow, or once its new nodes run.
 */
final class PlanChange {

    private final Catalog catalog;
    private final Readiness readiness;

    PlanChange(Catalog catalog, Readiness readiness) {
        this.catalog = catalog;
        this.readiness = readiness;
    }

    List<InstanceEvent> change(ChangePlan c, InstanceState state) {
        Accepted instance = state.instance();
        String from = state.terms().plan();
        if (c.plan().equals(from)) {
            return List.of(Changes.rejected(c, RejectionCode.PLAN_UNCHANGED,
                    "instance " + c.instanceId() + " is already on " + c.plan()));
        }
        Optional<RequestValidation.Problem> problem =
                RequestValidation.planProblem(c.plan(), instance.engine(), catalog);
        if (problem.isPresent()) {
            return List.of(Changes.rejected(c, problem.get().code(), problem.get().message()));
        }
        Catalog.Plan plan = catalog.plan(c.plan()).orElseThrow();
        Catalog.BackupPolicy backup = plan.backupFor(instance.engine());
        int count = plan.tier().nodes();
        Topology topology = state.topology();
        List<InstanceEvent> events = new ArrayList<>();
        events.add(new PlanChanged(c.requestId(), instance.organizationId(),
                instance.instanceId(), from, c.plan(), count,
                AccessRules.connectionLimit(instance.engine(), plan), backup.retentionDays(),
                backup.mode(), catalog.version(), plan.tier()));
        Catalog.Region region = catalog.region(instance.cloud(), instance.region()).orElseThrow();
        int next = topology.nextNode();
        for (int i = topology.nodes().size(); i < count; i++) {
            events.add(NodeProvisioning.request(instance, c.plan(), region, next++, false,
                    topology.epoch()));
        }
        List<Node> standbys = topology.nodes().stream()
                .filter(n -> n.role() != NodeRole.PRIMARY).toList();
        for (int i = 0; i < topology.nodes().size() - count && i < standbys.size(); i++) {
            events.add(new NodeDecommissioned(instance.instanceId(),
                    standbys.get(standbys.size() - 1 - i).nodeId(), topology.epoch()));
        }
        if (count <= topology.nodes().size()) {
            readiness.readyAfter(events, state);
        } else {
            // nodes the data plane reported before they were asked for
            readiness.readyIfAllUp(events, state);
        }
        return events;
    }
}
