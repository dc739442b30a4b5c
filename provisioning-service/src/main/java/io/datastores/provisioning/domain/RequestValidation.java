package io.datastores.provisioning.domain;

import java.util.List;
import java.util.Optional;

import io.datastores.kit.net.Cidr;

/**
 * What makes a request for a new instance invalid, whoever asks: the catalog's engines, clouds,
 * regions and plans, the display name's form, TLS, the allow-list's addresses. The organization
 * stage checks before it reserves a name; the instance stage checks again, so that a catalog
 * changed between the two never reaches a rule unchecked.
 */
public final class RequestValidation {

    public static final int MAX_DISPLAY_NAME = 63;

    /** A refusal: code and message. */
    public record Problem(RejectionCode code, String message) {
    }

    private RequestValidation() {
    }

    public static Optional<Problem> problem(InstanceCommand.RequestInstance r, Catalog catalog) {
        if (r.engine() == null) {
            return fail(RejectionCode.UNKNOWN_ENGINE, "the engine is not one this control plane runs ("
                    + List.of(Engine.values()) + ")");
        }
        if (r.cloud() == null) {
            return fail(RejectionCode.UNKNOWN_CLOUD, "the cloud is not one this control plane runs ("
                    + List.of(Cloud.values()) + ")");
        }
        if (!r.tlsRequired()) {
            return fail(RejectionCode.PLAINTEXT_NOT_ALLOWED, "TLS is always enforced; plaintext is not offered");
        }
        String name = r.displayName() == null ? "" : r.displayName();
        if (name.isBlank() || name.length() > MAX_DISPLAY_NAME || !name.matches("[A-Za-z0-9][A-Za-z0-9 _-]*")) {
            return fail(RejectionCode.INVALID_DISPLAY_NAME, "display name must be 1-" + MAX_DISPLAY_NAME
                    + " letters, digits, spaces, '-' or '_', starting with a letter or digit");
        }
        Optional<Problem> plan = planProblem(r.plan(), r.engine(), catalog);
        if (plan.isPresent()) {
            return plan;
        }
        if (catalog.region(r.cloud(), r.region()).isEmpty()) {
            return fail(RejectionCode.UNKNOWN_REGION, "region '" + r.region() + "' is not offered on " + r.cloud()
                    + " in catalog " + catalog.version());
        }
        return allowlistProblem(r.allowlist());
    }

    /** The plan exists and is offered for the engine. */
    public static Optional<Problem> planProblem(String planName, Engine engine, Catalog catalog) {
        Optional<Catalog.Plan> plan = catalog.plan(planName);
        if (plan.isEmpty()) {
            return fail(RejectionCode.UNKNOWN_PLAN, "plan '" + planName + "' is not in catalog " + catalog.version());
        }
        if (!plan.get().offers(engine)) {
            return fail(RejectionCode.PLAN_NOT_OFFERED, "plan " + planName + " is not offered for " + engine
                    + " (offered for " + plan.get().engines() + ")");
        }
        return Optional.empty();
    }

    public static Optional<Problem> allowlistProblem(List<String> allowlist) {
        for (String entry : allowlist == null ? List.<String>of() : allowlist) {
            Optional<String> problem = Cidr.problem(entry);
            if (problem.isPresent()) {
                return fail(RejectionCode.INVALID_CIDR, "invalid allow-list entry: " + problem.get());
            }
        }
        return Optional.empty();
    }

    private static Optional<Problem> fail(RejectionCode code, String message) {
        return Optional.of(new Problem(code, message));
    }
}
