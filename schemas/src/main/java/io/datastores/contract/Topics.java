package io.datastores.contract;

import java.util.List;
import java.util.Optional;

import io.datastores.events.BackupCommandEnvelope;
import io.datastores.events.BackupEventEnvelope;
import io.datastores.events.BillingEventEnvelope;
import io.datastores.events.CredentialKeyEnvelope;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.FailoverCommandEnvelope;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceRequestEnvelope;
import io.datastores.events.MarketplaceCommandEnvelope;
import io.datastores.events.MarketplaceEventEnvelope;
import io.datastores.events.NodeAlertEnvelope;
import io.datastores.events.NodeTelemetryEnvelope;
import io.datastores.events.RestorePointsEnvelope;

/**
 * The topic catalogue: every topic of the control plane, declared once.
 *
 * <p>Every instance-scoped topic is keyed by instance id (billing's, by organization id; failover's
 * region events and commands, by {@code cloud:region}), so that one instance's history is in
 * one partition, in order. Each topic's value is one envelope record (event metadata plus a
 * union of the event types of that topic; see {@code docs/adr/0001-one-envelope-per-topic.md}).
 * Every topic has exactly one writer, but one: failover-service writes its journal entries into
 * {@link #NODE_TELEMETRY} beside the data plane's telemetry, its marks of heard time (docs/adr/0010)
 * and relays of its inputs but the instances' acceptances and node requests (docs/adr/0011).
 */
public final class Topics {

    /** Writer name for requests that come from other platform services (not from us). */
    public static final String PLATFORM = "platform (external publishers)";
    /** Writer name for the data plane: the clouds' agents, the simulator in development. */
    public static final String DATA_PLANE = "data-plane";

    private static final String INSTANCE_ID = "instance id";

    public static final TopicSpec<InstanceRequestEnvelope> INSTANCE_REQUESTS = new TopicSpec<>(
            "dcp.instance-requests", INSTANCE_ID, InstanceRequestEnvelope.class, 6, "delete", PLATFORM);
    public static final TopicSpec<InstanceEventEnvelope> INSTANCE_EVENTS = new TopicSpec<>(
            "dcp.instance-events", INSTANCE_ID, InstanceEventEnvelope.class, 6, "delete",
            "provisioning-service");
    public static final TopicSpec<DataPlaneEventEnvelope> DATA_PLANE_EVENTS = new TopicSpec<>(
            "dcp.dataplane-events", INSTANCE_ID, DataPlaneEventEnvelope.class, 6, "delete", DATA_PLANE);
    public static final TopicSpec<NodeTelemetryEnvelope> NODE_TELEMETRY = new TopicSpec<>(
            "dcp.node-telemetry", INSTANCE_ID, NodeTelemetryEnvelope.class, 6, "delete",
            DATA_PLANE + "; failover-service (its marks of heard time and relays of its other inputs)");
    public static final TopicSpec<NodeAlertEnvelope> NODE_ALERTS = new TopicSpec<>(
            "dcp.node-alerts", INSTANCE_ID, NodeAlertEnvelope.class, 6, "delete",
            "platform monitoring (external publishers)");
    public static final TopicSpec<FailoverEventEnvelope> FAILOVER_EVENTS = new TopicSpec<>(
            "dcp.failover-events", "instance id (region events: cloud:region)", FailoverEventEnvelope.class, 6, "delete",
            "failover-service");
    public static final TopicSpec<BackupEventEnvelope> BACKUP_EVENTS = new TopicSpec<>(
            "dcp.backup-events", INSTANCE_ID, BackupEventEnvelope.class, 6, "delete", "backup-service");
    public static final TopicSpec<MarketplaceEventEnvelope> MARKETPLACE_EVENTS = new TopicSpec<>(
            "dcp.marketplace-events", INSTANCE_ID, MarketplaceEventEnvelope.class, 6, "delete",
            "marketplace-service");

    /** Organization tiers from billing; keyed by organization id, compacted (the latest tier counts). */
    public static final TopicSpec<BillingEventEnvelope> BILLING_EVENTS = new TopicSpec<>(
            "dcp.billing-events", "organization id", BillingEventEnvelope.class, 6, "compact",
            "billing (external publishers)");

    /** Each instance's restorable window, the latest per instance (compacted). */
    public static final TopicSpec<RestorePointsEnvelope> RESTORE_POINTS = new TopicSpec<>(
            "dcp.restore-points", INSTANCE_ID, RestorePointsEnvelope.class, 6, "compact", "backup-service");

    /** Operators' requests about backups (a schedule override), from backup-service's HTTP API. */
    public static final TopicSpec<BackupCommandEnvelope> BACKUP_COMMANDS = new TopicSpec<>(
            "dcp.backup-commands", INSTANCE_ID, BackupCommandEnvelope.class, 6, "delete",
            "backup-service (operator API)");

    /**
     * Operators' requests about failover: decisions about a region whose automatic failover is paused
     * (keyed by cloud:region) and planned switchovers (keyed by instance id).
     */
    public static final TopicSpec<FailoverCommandEnvelope> FAILOVER_COMMANDS = new TopicSpec<>(
            "dcp.failover-commands", "region (cloud:region); instance id for switchovers",
            FailoverCommandEnvelope.class, 6, "delete", "failover-service (operator API)");

    /** Requests to marketplace-service (credentials, listings, connections), from its HTTP API. */
    public static final TopicSpec<MarketplaceCommandEnvelope> MARKETPLACE_COMMANDS = new TopicSpec<>(
            "dcp.marketplace-commands", INSTANCE_ID, MarketplaceCommandEnvelope.class, 6, "delete",
            "marketplace-service (HTTP API)");

    /**
     * Data keys wrapped by the master key: each credential's (keyed by credential id) and each
     * connection's own copy's (keyed by connection id). The HTTP API writes a key with the request
     * that brings its secret; the marketplace topology writes its tombstone when it decides the
     * secret's end (credential deleted, connection removed, instance deleted, request refused), and
     * compaction runs within about a minute, so the key (and with it the secret, in any replay) is
     * gone for good.
     */
    public static final TopicSpec<CredentialKeyEnvelope> CREDENTIAL_KEYS = new TopicSpec<>(
            "dcp.credential-keys", "credential id (a connection's copy: connection id)",
            CredentialKeyEnvelope.class, 6, "compact",
            "marketplace-service (HTTP API; its topology destroys keys)", java.util.Map.of("segment.ms", "60000",
                    "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "1000",
                    "min.compaction.lag.ms", "0", "max.compaction.lag.ms", "60000"));

    public static final List<TopicSpec<?>> ALL = List.of(
            INSTANCE_REQUESTS, INSTANCE_EVENTS, DATA_PLANE_EVENTS, NODE_TELEMETRY, NODE_ALERTS,
            FAILOVER_EVENTS, BACKUP_EVENTS, MARKETPLACE_EVENTS, BILLING_EVENTS, RESTORE_POINTS, BACKUP_COMMANDS,
            FAILOVER_COMMANDS, MARKETPLACE_COMMANDS, CREDENTIAL_KEYS);

    private Topics() {
    }

    /** Looks a topic up by name; dead-letter topics are not in the catalogue. */
    public static Optional<TopicSpec<?>> byName(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
