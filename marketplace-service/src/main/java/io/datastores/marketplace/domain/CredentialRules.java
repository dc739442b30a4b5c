package io.datastores.marketplace.domain;

import static io.datastores.marketplace.domain.Refusals.blank;
import static io.datastores.marketplace.domain.Refusals.reject;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.datastores.marketplace.domain.MarketplaceCommand.ConcludeVerification;
import io.datastores.marketplace.domain.MarketplaceCommand.CredentialKind;
import io.datastores.marketplace.domain.MarketplaceCommand.DeleteCredential;
import io.datastores.marketplace.domain.MarketplaceCommand.ExpireVerification;
import io.datastores.marketplace.domain.MarketplaceCommand.ImportCredential;
import io.datastores.marketplace.domain.MarketplaceEvent.CredentialDeleted;
import io.datastores.marketplace.domain.MarketplaceEvent.CredentialImported;
import io.datastores.marketplace.domain.MarketplaceEvent.Rejected;
import io.datastores.marketplace.domain.MarketplaceEvent.RejectionCode;
import io.datastores.marketplace.domain.MarketplaceEvent.SecretShredded;
import io.datastores.marketplace.domain.MarketplaceEvent.VerificationRequested;
import io.datastores.marketplace.domain.MarketplaceState.Credential;
import io.datastores.marketplace.domain.MarketplaceState.PendingCredential;

/**
 * Credentials: importing one (created or super admin; display names unique per environment among
 * active and pending ones), checking a created one by the data plane's login for an instance it runs,
 * deleting one (its secret shredded).
 */
final class CredentialRules {

    private CredentialRules() {
    }

    static List<MarketplaceEvent> importCredential(ImportCredential c, MarketplaceState s, Instant at) {
        if (s.credential(c.credentialId()).isPresent() || s.pendingCredential(c.credentialId()).isPresent()) {
            return List.of(); // the same credential again: imported once
        }
        if (blank(c.displayName()) || blank(c.environment()) || c.kind() == null) {
            return reject(c, s, RejectionCode.INVALID_REQUEST, "a credential needs a kind, a display name and an"
                    + " environment");
        }
        if (c.kind() == CredentialKind.CREATED && (blank(c.username()) || c.encryptedSecret() == null
                || c.encryptedSecret().length == 0)) {
            return reject(c, s, RejectionCode.INVALID_REQUEST, "created credentials need a username and a password");
        }
        if (c.kind() == CredentialKind.SUPER_ADMIN && c.encryptedSecret() != null) {
            return reject(c, s, RejectionCode.INVALID_REQUEST, "the platform manages the super admin's password:"
                    + " super admin credentials take only a display name and an environment, no password");
        }
        if (c.kind() == CredentialKind.SUPER_ADMIN && !blank(c.username())) {
            return reject(c, s, RejectionCode.INVALID_REQUEST, "super admin credentials take only a display name"
                    + " and an environment: the user is " + MarketplaceDecider.SUPER_ADMIN_USER);
        }
        boolean taken = s.activeCredentials().stream().anyMatch(x -> x.environment().equals(c.environment())
                && x.displayName().equalsIgnoreCase(c.displayName()))
                || s.pending().stream().anyMatch(x -> x.environment().equals(c.environment())
                        && x.displayName().equalsIgnoreCase(c.displayName()));
        if (taken) {
            return reject(c, s, RejectionCode.DUPLICATE_CREDENTIAL_NAME, "a credential named '" + c.displayName()
                    + "' exists in " + c.environment());
        }
        if (c.kind() == CredentialKind.CREATED && s.runByLocalDataPlane()) {
            if (c.verificationSecret() == null || c.verificationSecret().length == 0) {
                return reject(c, s, RejectionCode.CREDENTIAL_REFUSED, "the instance's data plane checks created"
                        + " credentials by logging in with them, and this request brought no password sealed for"
                        + " it (its key was not available yet); import them again");
            }
            return List.of(new VerificationRequested(c.requestId(), c.credentialId(), s.organizationId(),
                    c.displayName(), c.environment(), c.username(), c.encryptedSecret(), c.verificationSecret(),
                    c.verificationKeyId(), at));
        }
        String user = c.kind() != CredentialKind.SUPER_ADMIN ? c.username()
                : s.adminPassword() != null ? s.adminPassword().username() : MarketplaceDecider.SUPER_ADMIN_USER;
        return List.of(new CredentialImported(c.requestId(), c.credentialId(), s.organizationId(), c.kind(),
                c.displayName(), c.environment(), user, c.encryptedSecret()));
    }

    /** The data plane's answer to a pending verification; a late or repeated one changes nothing. */
    static List<MarketplaceEvent> conclude(ConcludeVerification v, MarketplaceState s) {
        Optional<PendingCredential> pending = s.pendingRequest(v.requestId())
                .filter(p -> p.credentialId().equals(v.credentialId()));
        if (pending.isEmpty() || s.deleted()) {
            return List.of();
        }
        PendingCredential p = pending.get();
        if (!v.verified()) {
            String reason = v.reason() == null || v.reason().isBlank() ? "the server refused the credentials"
                    : v.reason();
            return refuseVerification(p, "the data plane could not log in with the credentials: " + reason);
        }
        return List.of(new CredentialImported(p.requestId(), p.credentialId(), p.organizationId(),
                CredentialKind.CREATED, p.displayName(), p.environment(), p.username(), p.encryptedSecret()));
    }

    /** A pending verification refused: the refusal, and the end of the secret it held. */
    static List<MarketplaceEvent> refuseVerification(PendingCredential p, String reason) {
        Rejected rejected = new Rejected(p.requestId(), p.organizationId(), MarketplaceCommand.Action.IMPORT_CREDENTIAL,
                RejectionCode.CREDENTIAL_REFUSED, reason);
        return p.encryptedSecret() == null ? List.of(rejected)
                : List.of(rejected, new SecretShredded(p.credentialId(), "the credentials were refused"));
    }

    static List<MarketplaceEvent> delete(DeleteCredential d, MarketplaceState s) {
        Optional<Credential> credential = s.credential(d.credentialId());
        if (credential.isEmpty()) {
            return reject(d, s, RejectionCode.UNKNOWN_CREDENTIAL, "no credential " + d.credentialId());
        }
        if (!credential.get().active()) {
            return List.of();
        }
        return credential.get().encryptedSecret() == null
                ? List.of(new CredentialDeleted(d.requestId(), d.credentialId()))
                : List.of(new CredentialDeleted(d.requestId(), d.credentialId()),
                        new SecretShredded(d.credentialId(), "the credential was deleted"));
    }

    /** The data plane's silence about a pending verification: refused, its secret ended. */
    static List<MarketplaceEvent> expire(ExpireVerification x, MarketplaceState s) {
        return s.pendingRequest(x.requestId()).map(p -> refuseVerification(p, "the data plane did not log in"
                + " with the credentials within " + x.waited().toSeconds() + " s, so they could not be checked;"
                + " import them again")).orElse(List.of());
    }
}
