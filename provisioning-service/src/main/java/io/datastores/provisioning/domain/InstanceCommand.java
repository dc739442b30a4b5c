package io.datastores.provisioning.domain;

import java.time.Instant;
import java.util.List;

/** What provisioning is asked to do, or told happened, about one instance. */
public sealed interface InstanceCommand {

    String instanceId();

    /** A request of a platform service: it has an id (retries have one effect) and an organization. */
    sealed interface Request extends InstanceCommand {
        String requestId();

        String organizationId();
    }

    /**
     * A platform service asks for a new instance. {@code engine} or {@code cloud} is null when the
     * request named one this control plane does not know. {@code trialEndsAt} is set by the
     * organization stage for a free-tier organization's trial.
     */
    record RequestInstance(String requestId, String organizationId, String instanceId, String displayName,
            Engine engine, Cloud cloud, String region, String plan, boolean tlsRequired,
            List<String> allowlist, Boolean scriptingEnabled, Instant trialEndsAt) implements Request {

        public RequestInstance withTrialEndsAt(Instant end) {
            return new RequestInstance(requestId, organizationId, instanceId, displayName, engine, cloud, region, plan,
                    tlsRequired, allowlist, scriptingEnabled, end);
        }
    }

    /** A platform service asks to move the instance to another plan. */
    record ChangePlan(String requestId, String organizationId, String instanceId, String plan) implements Request {
    }

    /** A platform service asks to replace the allow-list. */
    record ChangeAllowlist(String requestId, String organizationId, String instanceId, List<String> allowlist) implements Request {
    }

    /** A platform service asks to delete the instance. */
    record DeleteInstance(String requestId, String organizationId, String instanceId) implements Request {
    }

    /**
     * The data plane reports a node it was asked for as running; {@code endpointAddress} and
     * {@code endpointPort} name the instance's stable endpoint where the data plane runs one (null
     * otherwise: the service host on the engine's port).
     */
    record RecordNodeProvisioned(String instanceId, String nodeId, String host, String ip, String zone,
            String endpointAddress, Integer endpointPort) implements InstanceCommand {

        /** A node up behind no endpoint of the data plane's own (the simulator's). */
        public RecordNodeProvisioned(String instanceId, String nodeId, String host, String ip, String zone) {
            this(instanceId, nodeId, host, ip, zone, null, null);
        }
    }

    /**
     * The data plane could not start a node it was asked for: {@code attempt} is the attempt it
     * failed, {@code reason} the data plane's own words, {@code retryable} whether asking again may
     * succeed.
     */
    record RecordProvisioningFailure(String instanceId, String nodeId, int attempt, String reason,
            boolean retryable) implements InstanceCommand {
    }

    /** failover took a fenced node back as a standby of the current primary. */
    record RecordRejoin(String instanceId, String nodeId, long epoch, String ip, String zone)
            implements InstanceCommand {
    }

    /** failover cancelled a replacement: the node it replaced rejoined. */
    record RecordCancellation(String instanceId, String nodeId, String replacesNodeId, long epoch)
            implements InstanceCommand {
    }

    /** The organization now pays: its trials end without suspension, a suspended instance resumes. */
    record LiftTrial(String organizationId, String instanceId) implements InstanceCommand {
    }

    /** The trial's end has come (a timer asks, on the instance's trial end). */
    record ExpireTrial(String instanceId) implements InstanceCommand {
    }

    /** failover replaced a lost node (the instance keeps its node count). */
    record RecordReplacement(String instanceId, String replacesNodeId, String nodeId, NodeRole role, String zone,
            long epoch) implements InstanceCommand {
    }

    /** failover promoted a standby: it is the primary from {@code epoch} on. */
    record RecordPromotion(String instanceId, String nodeId, long epoch) implements InstanceCommand {
    }
}
