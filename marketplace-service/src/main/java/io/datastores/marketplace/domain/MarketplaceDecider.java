package io.datastores.marketplace.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.datastores.kit.decider.Decider;
import io.datastores.marketplace.domain.MarketplaceCommand.AddListing;
import io.datastores.marketplace.domain.MarketplaceCommand.AdminIssued;
import io.datastores.marketplace.domain.MarketplaceCommand.ConcludeVerification;
import io.datastores.marketplace.domain.MarketplaceCommand.Connect;
import io.datastores.marketplace.domain.MarketplaceCommand.DeleteCredential;
import io.datastores.marketplace.domain.MarketplaceCommand.Disconnect;
import io.datastores.marketplace.domain.MarketplaceCommand.ExpireVerification;
import io.datastores.marketplace.domain.MarketplaceCommand.Forget;
import io.datastores.marketplace.domain.MarketplaceCommand.ImportCredential;
import io.datastores.marketplace.domain.MarketplaceCommand.Know;
import io.datastores.marketplace.domain.MarketplaceCommand.RemoveListing;
import io.datastores.marketplace.domain.MarketplaceCommand.Request;
import io.datastores.marketplace.domain.MarketplaceCommand.Serve;
import io.datastores.marketplace.domain.MarketplaceEvent.Rejected;
import io.datastores.marketplace.domain.MarketplaceEvent.SecretShredded;
import io.datastores.marketplace.domain.MarketplaceEvent.VerificationRequested;

/**
 * The marketplace rules of one instance (DOMAIN.md, "Marketplace").
 *
 * <ul>
 * <li>A credential is "created" (display name, username, password, environment) or "super admin"
 * (display name, environment; the platform's administrator account, user {@value #SUPER_ADMIN_USER});
 * display names are unique per environment among active credentials. Secrets arrive encrypted.</li>
 * <li>An instance is listed only while it exists, is not deleted, and has an active credential.</li>
 * <li>For an instance the local data plane runs (it issued the super admin's password, kept sealed
 * for marketplace-service as it came; the newest wins), created credentials are checked by logging
 * in with them before they are accepted: the import becomes a {@link VerificationRequested} (the
 * password sealed for the data plane), held pending, its display name taken; the data plane's
 * answer imports it or refuses it ({@code CREDENTIAL_REFUSED}, the server's reason), and so does
 * its silence after a while ({@link ExpireVerification}, time's).</li>
 * <li>A connection needs the instance listed and an active credential of the connection's
 * environment; it hands out the service host (and the address to dial, where no DNS serves it),
 * port, TLS, database and user name.</li>
 * <li>Removing the listing or deleting a credential blocks new connections and leaves existing ones
 * working: each connection holds its own sealed copy of its credential's password, under a data key
 * of its own. Deleting the instance ends its listing.</li>
 * <li>A secret ends with what holds it: deleting a credential, removing a connection, deleting the
 * instance, or refusing the request that brought it shreds its data key ({@link SecretShredded}).
 * The platform manages the super admin's password: an import that carries one is refused.</li>
 * <li>A caller acts only on its own organization's instances (an operator on all); every refusal is a
 * {@link Rejected} with a code and a reason; a repeated request changes nothing.</li>
 * </ul>
 *
 * <p>This class dispatches; the rules are in {@link InstanceRules}, {@link CredentialRules},
 * {@link ListingRules}, {@link ConnectionRules}, {@link Refusals} and {@link MarketplaceEvolution}.
 */
public final class MarketplaceDecider implements Decider<MarketplaceCommand, MarketplaceState, MarketplaceEvent> {

    public static final String SUPER_ADMIN_USER = "admin";
    public static final String DEFAULT_DATABASE = "defaultdb";

    @Override
    public MarketplaceState initialState() {
        return MarketplaceState.initial();
    }

    @Override
    public List<MarketplaceEvent> decide(MarketplaceCommand command, MarketplaceState s, Instant at) {
        if (command instanceof Know k) {
            return InstanceRules.know(k, s);
        }
        if (command instanceof Serve v) {
            return InstanceRules.serve(v, s);
        }
        if (command instanceof AdminIssued a) {
            return InstanceRules.adminIssued(a, s);
        }
        if (command instanceof Forget) {
            return InstanceRules.forget(s);
        }
        if (command instanceof ConcludeVerification v) {
            return CredentialRules.conclude(v, s);
        }
        if (command instanceof ExpireVerification x) {
            return CredentialRules.expire(x, s);
        }
        if (!(command instanceof Request r)) {
            throw new IllegalArgumentException("unknown command " + command);
        }
        if (s.decided(r.requestId())) {
            return List.of(); // a repeated request changes nothing
        }
        Optional<Rejected> refusal = Refusals.instanceRefusal(r, s);
        if (refusal.isPresent()) {
            return Refusals.refused(r, s, refusal.get());
        }
        if (r instanceof ImportCredential c) {
            return CredentialRules.importCredential(c, s, at);
        }
        if (r instanceof DeleteCredential d) {
            return CredentialRules.delete(d, s);
        }
        if (r instanceof AddListing) {
            return ListingRules.add(r, s);
        }
        if (r instanceof RemoveListing) {
            return ListingRules.remove(r, s);
        }
        if (r instanceof Connect c) {
            return ConnectionRules.connect(c, s);
        }
        if (r instanceof Disconnect d) {
            return ConnectionRules.disconnect(d, s);
        }
        throw new IllegalArgumentException("unknown request " + r);
    }

    @Override
    public MarketplaceState evolve(MarketplaceState s, MarketplaceEvent event) {
        return MarketplaceEvolution.evolve(s, event);
    }
}
