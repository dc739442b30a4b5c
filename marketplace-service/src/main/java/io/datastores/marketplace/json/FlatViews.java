package io.datastores.marketplace.json;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.datastores.kit.json.JsonMixIns;
import io.datastores.marketplace.domain.InstanceView;
import io.datastores.marketplace.domain.InstanceView.Access;
import io.datastores.marketplace.domain.InstanceView.BackupWindow;
import io.datastores.marketplace.domain.InstanceView.FailoverKind;
import io.datastores.marketplace.domain.InstanceView.FailoverView;
import io.datastores.marketplace.domain.InstanceView.NodeView;
import io.datastores.marketplace.domain.InstanceView.Outcome;
import io.datastores.marketplace.domain.InstanceView.Progress;
import io.datastores.marketplace.domain.InstanceView.Status;
import io.datastores.marketplace.domain.ListingView;
import io.datastores.marketplace.domain.Offering;

/**
 * The fleet view and the listing are written as the flat documents they were before their parts
 * ({@link Offering}, {@link Access}, {@link Outcome}) were records of their own: the HTTP answers,
 * the view topics and the stored state keep one object with every field at its top. These mix-ins
 * say so outside the domain, which knows no Jackson: the kit's mappers take them from this provider
 * ({@code META-INF/services}), Micronaut's serde from the controllers' {@code @SerdeImport(mixin =)}.
 * Each mix-in repeats its target's components, the parts marked unwrapped.
 */
public final class FlatViews implements JsonMixIns {

    private static final Map<Class<?>, Class<?>> MIX_INS = Map.of(InstanceView.class, InstanceViewShape.class,
            FailoverView.class, FailoverViewShape.class, ListingView.class, ListingViewShape.class);

    @Override
    public Map<Class<?>, Class<?>> mixIns() {
        return MIX_INS;
    }

    /**
     * Throws unless the kit's mappers write the views flat: without the mix-ins they would write the
     * parts nested and read a stored flat document back with its parts empty, without an error.
     */
    public static void requireApplied() {
        MIX_INS.forEach(JsonMixIns::require);
    }

    /** {@link InstanceView}, what it is and how it is reached written as its own fields. */
    public record InstanceViewShape(String instanceId, @JsonUnwrapped Offering offering, String catalogVersion,
            Status status, String failureReason, @JsonUnwrapped Access access, List<NodeView> nodes,
            BackupWindow backupWindow, FailoverView failover, Instant updatedAt) {
    }

    /** {@link FailoverView}, how it ended written as its own fields. */
    public record FailoverViewShape(String failoverId, FailoverKind kind, Progress state, String failedNodeId,
            Instant failedAt, String note, @JsonUnwrapped Outcome outcome) {
    }

    /** {@link ListingView}, what the instance is written as its own fields. */
    public record ListingViewShape(String instanceId, @JsonUnwrapped Offering offering, boolean listed,
            boolean deleted, Map<String, List<String>> credentialsByEnvironment, int activeConnections,
            int connectionsEver, Instant updatedAt) {
    }
}
