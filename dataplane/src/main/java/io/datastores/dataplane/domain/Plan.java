package io.datastores.dataplane.domain;

import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * What a command asks of this machine: the fleet as planned (a node reserved, an epoch raised), the
 * steps in order, and, should a step fail, what to tell the control plane (given the server's reason),
 * what to undo (best effort) and what the fleet is then. {@code then} are commands that follow once
 * the steps have succeeded, in the instance's queue (they fail on their own).
 */
public record Plan(Fleet fleet, List<Step> steps, Function<String, List<Report>> onFailure,
        UnaryOperator<Fleet> failedFleet, List<Step> undo, List<Command> then) {

    public Plan {
        steps = List.copyOf(steps);
        undo = List.copyOf(undo);
        then = List.copyOf(then);
    }

    public Plan(Fleet fleet, List<Step> steps, Function<String, List<Report>> onFailure,
            UnaryOperator<Fleet> failedFleet) {
        this(fleet, steps, onFailure, failedFleet, List.of(), List.of());
    }

    /** The same, undoing {@code undoSteps} if a step fails. */
    public Plan undoing(List<Step> undoSteps) {
        return new Plan(fleet, steps, onFailure, failedFleet, undoSteps, then);
    }

    /** The same, followed by {@code next} once it succeeded. */
    public Plan then(Command next) {
        List<Command> more = new java.util.ArrayList<>(then);
        more.add(next);
        return new Plan(fleet, steps, onFailure, failedFleet, undo, more);
    }

    /** Nothing to do. */
    public static Plan nothing(Fleet fleet) {
        return new Plan(fleet, List.of(), reason -> List.of(), f -> f);
    }

    /** Only something to say. */
    public static Plan tell(Fleet fleet, Report... reports) {
        return new Plan(fleet, java.util.Arrays.stream(reports).map(r -> (Step) new Step.Tell(r)).toList(),
                reason -> List.of(), f -> f);
    }

    /** Steps whose failure is a {@link Report.CommandFailed} for {@code command}. */
    public static Plan steps(Fleet fleet, Command command, String nodeId, long epoch, String correlatesWith,
            List<Step> steps) {
        long current = fleet.instance(command.instanceId()).map(Fleet.Instance::epoch).orElse(0L);
        return new Plan(fleet, steps, reason -> List.of(new Report.CommandFailed(command.instanceId(), nodeId,
                command.source(), epoch, current, Report.Failure.SERVER_ERROR, reason, correlatesWith)), f -> f);
    }

    public Plan onFailure(Function<String, List<Report>> reports, UnaryOperator<Fleet> fleetAfterFailure) {
        return new Plan(fleet, steps, reports, fleetAfterFailure, undo, then);
    }
}
