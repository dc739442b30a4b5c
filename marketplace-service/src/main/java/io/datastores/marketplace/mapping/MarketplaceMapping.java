package io.datastores.marketplace.mapping;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

import io.datastores.events.AdminCredentialIssued;
import io.datastores.events.ConnectionRemovalRequested;
import io.datastores.events.ConnectionRequested;
import io.datastores.events.CredentialDeletionRequested;
import io.datastores.events.CredentialImportRequested;
import io.datastores.events.CredentialVerificationRequested;
import io.datastores.events.CredentialVerified;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.InstanceAccepted;
import io.datastores.events.InstanceDeleted;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceReady;
import io.datastores.events.ListingRequested;
import io.datastores.events.MarketplaceCommandEnvelope;
import io.datastores.events.MarketplaceEventEnvelope;
import io.datastores.events.MarketplaceRequestRejected;
import io.datastores.events.UnlistingRequested;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.decider.EventMeta;
import io.datastores.kit.streams.EnvelopeMeta;
import io.datastores.marketplace.domain.Cloud;
import io.datastores.marketplace.domain.Engine;
import io.datastores.marketplace.domain.MarketplaceCommand;
import io.datastores.marketplace.domain.MarketplaceEvent;

/** Between the contract and the marketplace decider: commands in, events out. */
public final class MarketplaceMapping {

    private MarketplaceMapping() {
    }

    public static List<Envelope<MarketplaceCommand>> fromInstanceEvent(InstanceEventEnvelope e) {
        Object p = e.getPayload();
        MarketplaceCommand c;
        if (p instanceof InstanceAccepted a) {
            c = new MarketplaceCommand.Know(a.getOrganizationId(), a.getDisplayName(), engine(a.getEngine()),
                    a.getPlan(), cloud(a.getCloud()), a.getRegion());
        } else if (p instanceof InstanceReady r) {
            c = new MarketplaceCommand.Serve(r.getServiceHost(), r.getPort(), r.getTlsRequired(),
                    r.getEndpointAddress());
        } else if (p instanceof InstanceDeleted) {
            c = new MarketplaceCommand.Forget();
        } else {
            return List.of();
        }
        return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()), c));
    }

    /**
     * The local data plane's facts: the super admin's password it issued, and its answers to
     * verifications. An answer joins the conversation of the request it answers (its correlation
     * is the request id), so that the decision it leads to answers that request.
     */
    public static List<Envelope<MarketplaceCommand>> fromDataPlaneEvent(DataPlaneEventEnvelope e) {
        Object p = e.getPayload();
        EventMeta meta = EnvelopeMeta.fromAvro(e.getMetadata());
        if (p instanceof AdminCredentialIssued a) {
            return List.of(new Envelope<>(meta, new MarketplaceCommand.AdminIssued(a.getUsername(),
                    bytes(a.getSealedPassword()), a.getSealKeyId())));
        }
        if (p instanceof CredentialVerified v) {
            EventMeta answering = new EventMeta(meta.eventId(), v.getRequestId(), meta.causationId(),
                    meta.occurredAt(), meta.producer());
            return List.of(new Envelope<>(answering, new MarketplaceCommand.ConcludeVerification(v.getRequestId(),
                    v.getCredentialId(), v.getVerified(), v.getReason())));
        }
        return List.of();
    }

    public static List<Envelope<MarketplaceCommand>> fromCommand(MarketplaceCommandEnvelope e) {
        Object p = e.getPayload();
        MarketplaceCommand c;
        if (p instanceof CredentialImportRequested r) {
            c = new MarketplaceCommand.ImportCredential(r.getRequestId(), r.getOrganizationId(), r.getCredentialId(),
                    MarketplaceCommand.CredentialKind.valueOf(r.getKind().name()), r.getDisplayName(),
                    r.getEnvironment(), r.getUsername(), bytes(r.getEncryptedSecret()),
                    bytes(r.getVerificationSecret()), r.getVerificationKeyId());
        } else if (p instanceof CredentialDeletionRequested r) {
            c = new MarketplaceCommand.DeleteCredential(r.getRequestId(), r.getOrganizationId(), r.getCredentialId());
        } else if (p instanceof ListingRequested r) {
            c = new MarketplaceCommand.AddListing(r.getRequestId(), r.getOrganizationId());
        } else if (p instanceof UnlistingRequested r) {
            c = new MarketplaceCommand.RemoveListing(r.getRequestId(), r.getOrganizationId());
        } else if (p instanceof ConnectionRequested r) {
            c = new MarketplaceCommand.Connect(r.getRequestId(), r.getOrganizationId(), r.getConnectionId(),
                    r.getComponentId(), r.getEnvironment(), r.getCredentialId(), r.getDatabase(),
                    bytes(r.getEncryptedSecret()));
        } else if (p instanceof ConnectionRemovalRequested r) {
            c = new MarketplaceCommand.Disconnect(r.getRequestId(), r.getOrganizationId(), r.getConnectionId());
        } else {
            return List.of();
        }
        return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()), c));
    }

    /** Whether a published event decides the request it correlates with (a verification request does not). */
    public static boolean decides(Object payload) {
        return !(payload instanceof CredentialVerificationRequested);
    }

    /** The published event, or empty for the ones that only change state. */
    public static Optional<MarketplaceEventEnvelope> toAvro(String instanceId, Envelope<MarketplaceEvent> e) {
        MarketplaceEvent event = e.body();
        Object payload;
        if (event instanceof MarketplaceEvent.CredentialImported c) {
            payload = io.datastores.events.CredentialImported.newBuilder().setCredentialId(c.credentialId())
                    .setInstanceId(instanceId).setOrganizationId(c.organizationId()).setDisplayName(c.displayName())
                    .setKind(io.datastores.events.CredentialKind.valueOf(c.kind().name()))
                    .setEnvironment(c.environment()).setUsername(c.username())
                    .setEncryptedSecret(c.encryptedSecret() == null ? null : ByteBuffer.wrap(c.encryptedSecret()))
                    .setWrappedDataKey(null).setRequestId(c.requestId()).build();
        } else if (event instanceof MarketplaceEvent.CredentialDeleted d) {
            payload = new io.datastores.events.CredentialDeleted(d.credentialId(), instanceId);
        } else if (event instanceof MarketplaceEvent.ListingAdded l) {
            payload = new io.datastores.events.ListingAdded(instanceId, l.organizationId());
        } else if (event instanceof MarketplaceEvent.ListingRemoved l) {
            payload = new io.datastores.events.ListingRemoved(instanceId, l.organizationId(), l.reason());
        } else if (event instanceof MarketplaceEvent.ConnectionCreated c) {
            payload = io.datastores.events.ConnectionCreated.newBuilder().setConnectionId(c.connectionId())
                    .setInstanceId(instanceId).setComponentId(c.componentId()).setEnvironment(c.environment())
                    .setCredentialId(c.credentialId()).setServiceHost(c.serviceHost()).setPort(c.port())
                    .setTlsRequired(c.tlsRequired()).setDatabase(c.database()).setUsername(c.username())
                    .setHostAddress(c.hostAddress()).build();
        } else if (event instanceof MarketplaceEvent.VerificationRequested v) {
            payload = new CredentialVerificationRequested(v.requestId(), v.credentialId(), instanceId, v.username(),
                    ByteBuffer.wrap(v.verificationSecret()), v.verificationKeyId() == null ? ""
                            : v.verificationKeyId());
        } else if (event instanceof MarketplaceEvent.ConnectionRemoved r) {
            payload = new io.datastores.events.ConnectionRemoved(r.connectionId(), instanceId);
        } else if (event instanceof MarketplaceEvent.Rejected r) {
            payload = new MarketplaceRequestRejected(r.requestId(), instanceId, r.organizationId(), r.action().name(),
                    r.code().name(), r.reason());
        } else {
            return Optional.empty();
        }
        return Optional.of(new MarketplaceEventEnvelope(EnvelopeMeta.toAvro(e.meta()), payload));
    }

    /** The data key a decision destroys (the key of its tombstone on dcp.credential-keys), if any. */
    public static Optional<String> shreddedKey(Envelope<MarketplaceEvent> e) {
        return e.body() instanceof MarketplaceEvent.SecretShredded x ? Optional.of(x.keyId()) : Optional.empty();
    }

    /** The contract's engine as the domain's: the same symbols. */
    public static Engine engine(io.datastores.events.Engine e) {
        return Engine.valueOf(e.name());
    }

    /** The contract's cloud as the domain's: the same symbols. */
    public static Cloud cloud(io.datastores.events.Cloud c) {
        return Cloud.valueOf(c.name());
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
