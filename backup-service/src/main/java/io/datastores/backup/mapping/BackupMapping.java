package io.datastores.backup.mapping;

import java.util.List;
import java.util.Optional;

import io.datastores.backup.domain.BackupCommand;
import io.datastores.backup.domain.BackupEvent;
import io.datastores.backup.domain.BackupKind;
import io.datastores.events.BackupCompleted;
import io.datastores.events.BackupEventEnvelope;
import io.datastores.events.BackupFailed;
import io.datastores.events.BackupRequested;
import io.datastores.events.BackupType;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.InstanceDeleted;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceReady;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.streams.EnvelopeMeta;

/** Between the Avro contract and backup-service's domain. */
public final class BackupMapping {

    private BackupMapping() {
    }

    public static List<Envelope<BackupCommand>> fromInstanceEvent(InstanceEventEnvelope e) {
        Object p = e.getPayload();
        BackupCommand command;
        if (p instanceof InstanceReady r) {
            command = new BackupCommand.InstanceServing(r.getInstanceId());
        } else if (p instanceof InstanceDeleted d) {
            command = new BackupCommand.InstanceGone(d.getInstanceId());
        } else {
            return List.of();
        }
        return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()), command));
    }

    public static List<Envelope<BackupCommand>> fromDataPlane(DataPlaneEventEnvelope e) {
        Object p = e.getPayload();
        BackupCommand command;
        if (p instanceof BackupCompleted c) {
            command = new BackupCommand.RecordCompleted(c.getInstanceId(), c.getBackupId(),
                    BackupKind.valueOf(c.getType().name()), c.getStartedAt(), c.getCompletedAt(), c.getSizeBytes(),
                    c.getChecksum(), c.getEncryptionKeyId(), c.getStartPosition(), c.getEndPosition());
        } else if (p instanceof BackupFailed f) {
            command = new BackupCommand.RecordFailed(f.getInstanceId(), f.getBackupId(), f.getReason());
        } else {
            return List.of();
        }
        return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()), command));
    }

    /** The published event, or empty for internal ones. */
    public static Optional<BackupEventEnvelope> toAvro(Envelope<BackupEvent> e) {
        if (e.body() instanceof BackupEvent.Requested r) {
            return Optional.of(new BackupEventEnvelope(EnvelopeMeta.toAvro(e.meta()), new BackupRequested(
                    r.instanceId(), r.backupId(), BackupType.valueOf(r.kind().name()), r.scheduledFor())));
        }
        return Optional.empty();
    }
}
