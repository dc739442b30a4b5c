package io.datastores.marketplace.domain;

import java.util.List;
import java.util.Optional;

import io.datastores.marketplace.domain.MarketplaceCommand.Connect;
import io.datastores.marketplace.domain.MarketplaceCommand.Disconnect;
import io.datastores.marketplace.domain.MarketplaceCommand.ImportCredential;
import io.datastores.marketplace.domain.MarketplaceCommand.Request;
import io.datastores.marketplace.domain.MarketplaceEvent.Rejected;
import io.datastores.marketplace.domain.MarketplaceEvent.RejectionCode;
import io.datastores.marketplace.domain.MarketplaceEvent.SecretShredded;

/**
 * Refusals: who may not ask what of an instance (unknown, another organization's, deleted), and every
 * refusal as a {@link Rejected} with its code and reason, ending the secret the refused request brought.
 */
final class Refusals {

    private Refusals() {
    }

    static Optional<Rejected> instanceRefusal(Request r, MarketplaceState s) {
        if (!s.known()) {
            return Optional.of(rejection(r, s, RejectionCode.UNKNOWN_INSTANCE, "no such instance"));
        }
        if (r.callerOrganization() != null && !r.callerOrganization().equals(s.organizationId())) {
            return Optional.of(rejection(r, s, RejectionCode.WRONG_ORGANIZATION,
                    "the instance belongs to another organization"));
        }
        if (s.deleted() && !(r instanceof Disconnect)) {
            return Optional.of(rejection(r, s, RejectionCode.INSTANCE_DELETED, "the instance is deleted"));
        }
        return Optional.empty();
    }

    static List<MarketplaceEvent> reject(Request r, MarketplaceState s, RejectionCode code, String reason) {
        return refused(r, s, rejection(r, s, code, reason));
    }

    /** The refusal, and the end of the secret the request brought, if it brought a new one. */
    static List<MarketplaceEvent> refused(Request r, MarketplaceState s, Rejected rejected) {
        Optional<String> brought = Optional.empty();
        if (r instanceof ImportCredential c && c.encryptedSecret() != null && s.credential(c.credentialId()).isEmpty()
                && s.pendingCredential(c.credentialId()).isEmpty()) {
            brought = Optional.of(c.credentialId());
        } else if (r instanceof Connect c && c.encryptedSecret() != null && s.connection(c.connectionId()).isEmpty()) {
            brought = Optional.of(c.connectionId());
        }
        return brought.<List<MarketplaceEvent>>map(keyId -> List.of(rejected, new SecretShredded(keyId,
                "the request was refused"))).orElseGet(() -> List.of(rejected));
    }

    static Rejected rejection(Request r, MarketplaceState s, RejectionCode code, String reason) {
        String org = s.organizationId() != null ? s.organizationId()
                : r.callerOrganization() == null ? "" : r.callerOrganization();
        return new Rejected(r.requestId(), org, r.action(), code, reason);
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
