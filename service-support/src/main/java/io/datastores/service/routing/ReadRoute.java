package io.datastores.service.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a keyed read is answered, in the order to try: decided from the key's metadata alone (which
 * instance holds its partition, which hold standby replicas of it), without a network call.
 * <ul>
 * <li>A request another instance routed here is answered here (as a standby read if it says so):
 * a request is routed at most once, so two instances with different views never bounce it.</li>
 * <li>Without a known owner: here when this instance is alone (it does not advertise itself);
 * nowhere while a rebalance is under way (the key's partition may be moving here or away: a read here
 * could answer 404 for a key that exists), which answers 503.</li>
 * <li>The active owner first (here or forwarded to it); then each standby (here, reading the standby
 * replica, or forwarded to it as a standby read); an owner that does not answer, or answers 503, is
 * passed over for the next.</li>
 * </ul>
 */
public final class ReadRoute {

    private ReadRoute() {
    }

    /** An instance, as its {@code application.server} names it. */
    public record Host(String host, int port) {
        public String address() {
            return host + ":" + port;
        }
    }

    /** The holders of a key's partition: its active instance, if any is assigned, and its standbys. */
    public record Owner(Optional<Host> active, List<Host> standbys, int partition) {
    }

    /** One way of answering. */
    public sealed interface Step {
    }

    /** Read the local store: the active one, or a standby replica ({@code stale}) of {@code partition}. */
    public record Local(boolean stale, int partition) implements Step {
    }

    /** Forward the request to {@code to}, saying whether to read its standby replica. */
    public record Forward(Host to, boolean stale) implements Step {
    }

    /**
     * @param owner the key's holders, empty when unknown
     * @param self this instance, empty when it has no {@code application.server}
     * @param routedHere how a request another instance routed reads here (empty: not routed)
     * @param rebalancing whether this instance's partitions are being reassigned
     * @return the steps in order; none: no instance can answer now
     */
    public static List<Step> plan(Optional<Owner> owner, Optional<Host> self, Optional<Boolean> routedHere,
            boolean rebalancing) {
        if (routedHere.isPresent()) {
            return List.of(new Local(routedHere.get(), owner.map(Owner::partition).orElse(-1)));
        }
        if (self.isEmpty()) {
            return List.of(new Local(false, -1));
        }
        if (owner.isEmpty() || (owner.get().active().isEmpty() && owner.get().standbys().isEmpty())) {
            return rebalancing ? List.of() : List.of(new Local(false, -1));
        }
        Owner o = owner.get();
        List<Step> steps = new ArrayList<>();
        if (o.active().isPresent()) {
            if (o.active().get().equals(self.get())) {
                return List.of(new Local(false, o.partition()));
            }
            steps.add(new Forward(o.active().get(), false));
        }
        for (Host standby : o.standbys()) {
            if (standby.equals(self.get())) {
                steps.add(new Local(true, o.partition()));
                return steps; // answered here: nothing after it is tried
            }
            steps.add(new Forward(standby, true));
        }
        return steps;
    }
}
