package io.datastores.provisioning.domain;

import java.util.List;

/** What provisioning is asked to do, or told happened, about one instance. */
public sealed interface InstanceCommand {

    String instanceId();

    /** A platform service asks for a new instance. */
    record RequestInstance(String requestId, String organizationId, String instanceId, String displayName,
            Engine engine, Cloud cloud, String region, String plan, boolean tlsRequired,
            List<String> allowlist, Boolean scriptingEnabled) implements InstanceCommand {
    }

    /** A platform service asks to move the instance to another plan. */
    record ChangePlan(String requestId, String organizationId, String instanceId, String plan)
            implements InstanceCommand {
    }

    /** A platform service asks to replace the allow-list. */
    record ChangeAllowlist(String requestId, String organizationId, String instanceId, List<String> allowlist)
            implements InstanceCommand {
    }

    /** A platform service asks to delete the instance. */
    record DeleteInstance(String requestId, String organizationId, String instanceId)
            implements InstanceCommand {
    }

    /** The data plane reports a node it was asked for as running. */
    record RecordNodeProvisioned(String instanceId, String nodeId, String host, String ip, String zone)
            implements InstanceCommand {
    }
}
