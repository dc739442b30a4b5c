package io.datastores.provisioning.domain;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.datastores.provisioning.domain.InstanceCommand.ChangeAllowlist;
import io.datastores.provisioning.domain.InstanceCommand.DeleteInstance;
import io.datastores.provisioning.domain.InstanceCommand.Request;
import io.datastores.provisioning.domain.InstanceEvent.Rejected;

/**
 * Requests about an existing instance. Each has its effect once (a retried request changes
 * nothing), and one change at a time: a change is refused with a reason unless the instance is
 * ready, a deletion only when the instance is unknown, another organization's or deleted already.
 * An allow-list is validated and replaced; a deletion is final. A plan change is
 * {@link PlanChange}'s.
 */
final class Changes {

    private Changes() {
    }

    /**
     * What {@code r} amounts to instead of its effect, if it may not have it now: nothing when it
     * was decided before, or a refusal.
     */
    static Optional<List<InstanceEvent>> refused(Request r, InstanceState state) {
        if (state.handled(r.requestId())) {
            return Optional.of(List.of());
        }
        return refusal(r, state).map(List::of);
    }

    static List<InstanceEvent> allowlist(ChangeAllowlist c) {
        return RequestValidation.allowlistProblem(c.allowlist())
                .<List<InstanceEvent>>map(p -> List.of(rejected(c, p.code(), p.message())))
                .orElseGet(() -> List.of(new InstanceEvent.AllowlistChanged(c.requestId(),
                        c.organizationId(), c.instanceId(),
                        AccessRules.effectiveAllowlist(c.allowlist()))));
    }

    static List<InstanceEvent> delete(DeleteInstance d) {
        return List.of(new InstanceEvent.Deleted(d.requestId(), d.organizationId(),
                d.instanceId()));
    }

    static Rejected rejected(Request r, RejectionCode code, String message) {
        return new Rejected(r.requestId(), r.organizationId(), r.instanceId(), code, message);
    }

    /** Why {@code r} cannot be applied to the instance now, if it cannot. */
    private static Optional<InstanceEvent> refusal(Request r, InstanceState state) {
        String instance = "instance " + r.instanceId();
        if (state.status() == InstanceState.Status.NEW) {
            return refuse(r, RejectionCode.UNKNOWN_INSTANCE, instance + " does not exist");
        }
        if (!state.instance().organizationId().equals(r.organizationId())) {
            return refuse(r, RejectionCode.WRONG_ORGANIZATION,
                    instance + " belongs to another organization");
        }
        if (state.status() == InstanceState.Status.DELETED) {
            return refuse(r, RejectionCode.INSTANCE_DELETED, instance + " is deleted");
        }
        if (r instanceof DeleteInstance) {
            return Optional.empty(); // deletion is allowed in every other state
        }
        return switch (state.status()) {
            case READY -> Optional.empty();
            case SUSPENDED -> refuse(r, RejectionCode.INSTANCE_SUSPENDED,
                    instance + " is suspended since its trial ended; upgrade to a paid tier");
            case FAILED -> refuse(r, RejectionCode.INSTANCE_FAILED,
                    instance + " failed (" + state.failureReason() + "); it can only be deleted");
            case NEW, PROVISIONING, CHANGING, DELETED -> refuse(r,
                    RejectionCode.CHANGE_IN_PROGRESS, instance + " is "
                            + state.status().name().toLowerCase(Locale.ROOT)
                            + "; retry when it is ready");
        };
    }

    private static Optional<InstanceEvent> refuse(Request r, RejectionCode code, String message) {
        return Optional.of(rejected(r, code, message));
    }
}
