package io.datastores.provisioning.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.datastores.kit.decider.Timer;
import io.datastores.provisioning.domain.InstanceCommand.ExpireTrial;
import io.datastores.provisioning.domain.InstanceCommand.LiftTrial;
import io.datastores.provisioning.domain.InstanceEvent.Resumed;
import io.datastores.provisioning.domain.InstanceEvent.TrialExpired;
import io.datastores.provisioning.domain.InstanceEvent.TrialLifted;

/**
 * A free-tier organization's trial. Its end comes due while the instance serves (or is coming up)
 * and suspends the instance, never deletes it; a failed, suspended or deleted instance owes
 * nothing. Once the organization pays, the trial is lifted and a suspended instance resumes.
 */
final class Trial {

    private Trial() {
    }

    /** What time owes the instance at {@code now}: the end of its trial, once that has come. */
    static Optional<Timer.Due<InstanceCommand>> due(String instanceId, InstanceState state,
            Instant now) {
        Instant end = state.terms().trialEndsAt();
        if (state.status().live() && end != null && !now.isBefore(end)) {
            return Optional.of(new Timer.Due<>(new ExpireTrial(instanceId), end));
        }
        return Optional.empty();
    }

    static List<InstanceEvent> expire(ExpireTrial e, InstanceState state) {
        Instant end = state.terms().trialEndsAt();
        if (end == null || due(e.instanceId(), state, end).isEmpty()) {
            return List.of();
        }
        return List.of(new TrialExpired(state.instance().organizationId(), e.instanceId(), end));
    }

    static List<InstanceEvent> lift(LiftTrial l, InstanceState state) {
        if (state.terms().trialEndsAt() == null) {
            return List.of();
        }
        return switch (state.status()) {
            case NEW, DELETED -> List.of();
            case SUSPENDED -> List.of(new TrialLifted(l.organizationId(), l.instanceId()),
                    new Resumed(l.organizationId(), l.instanceId(),
                            "the organization upgraded to a paid tier"));
            case PROVISIONING, READY, CHANGING, FAILED ->
                    List.of(new TrialLifted(l.organizationId(), l.instanceId()));
        };
    }
}
