package io.datastores.backup.mapping;

import java.util.List;
import java.util.Optional;

import io.datastores.backup.domain.Backup;
import io.datastores.backup.domain.BackupCommand;
import io.datastores.backup.domain.BackupEvent;
import io.datastores.backup.domain.BackupPolicy;
import io.datastores.backup.domain.Engine;
import io.datastores.backup.domain.RestoreWindow;
import io.datastores.events.ArchiveGapDetected;
import io.datastores.events.BackupCommandEnvelope;
import io.datastores.events.BackupCompleted;
import io.datastores.events.BackupEventEnvelope;
import io.datastores.events.BackupExpired;
import io.datastores.events.BackupFailed;
import io.datastores.events.BackupNotRestorable;
import io.datastores.events.BackupOverdue;
import io.datastores.events.BackupRequested;
import io.datastores.events.BackupScheduleSet;
import io.datastores.events.BackupType;
import io.datastores.events.DataPlaneEventEnvelope;
import io.datastores.events.FailoverEventEnvelope;
import io.datastores.events.InstanceAccepted;
import io.datastores.events.InstanceDeleted;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceReady;
import io.datastores.events.PlanChanged;
import io.datastores.events.RestorePlanned;
import io.datastores.events.RestorePoint;
import io.datastores.events.RestoreRefused;
import io.datastores.events.RestoreRequested;
import io.datastores.events.RestorePointsEnvelope;
import io.datastores.events.RestoreWindowChanged;
import io.datastores.events.WalSegmentArchived;
import io.datastores.events.WalSegmentsExpired;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.streams.EnvelopeMeta;

/** Between the Avro contract and backup-service's domain. */
public final class BackupMapping {

    private BackupMapping() {
    }

    public static List<Envelope<BackupCommand>> fromInstanceEvent(InstanceEventEnvelope e) {
        Object p = e.getPayload();
        BackupCommand command;
        if (p instanceof InstanceAccepted a) {
            command = new BackupCommand.Track(a.getInstanceId(), engine(a.getEngine()),
                    policy(a.getBackupRetentionDays(), a.getBackupMode()));
        } else if (p instanceof InstanceReady r) {
            command = new BackupCommand.Serve(r.getInstanceId());
        } else if (p instanceof PlanChanged c) {
            command = new BackupCommand.ChangePolicy(c.getInstanceId(),
                    policy(c.getBackupRetentionDays(), c.getBackupMode()));
        } else if (p instanceof InstanceDeleted d) {
            command = new BackupCommand.Gone(d.getInstanceId());
        } else {
            return List.of();
        }
        return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()), command));
    }

    /** The contract's engine as the domain's (the same symbols). */
    static Engine engine(io.datastores.events.Engine engine) {
        return Engine.valueOf(engine.name());
    }

    /** A plan's backup promise: {@code DAILY} with archived logs, else the latest backup only. */
    static BackupPolicy policy(int retentionDays, String mode) {
        return new BackupPolicy(retentionDays,
                "DAILY".equals(mode) ? BackupPolicy.Mode.DAILY : BackupPolicy.Mode.LATEST_ONLY);
    }

    public static List<Envelope<BackupCommand>> fromDataPlane(DataPlaneEventEnvelope e) {
        Object p = e.getPayload();
        BackupCommand command;
        if (p instanceof BackupCompleted c && c.getType() == BackupType.FULL) {
            command = new BackupCommand.Completed(c.getInstanceId(), c.getBackupId(), c.getStartedAt(),
                    c.getCompletedAt(), c.getSizeBytes(), c.getChecksum(), c.getEncryptionKeyId(),
                    c.getStartPosition(), c.getEndPosition());
        } else if (p instanceof BackupFailed f) {
            command = new BackupCommand.Failed(f.getInstanceId(), f.getBackupId(), f.getReason());
        } else if (p instanceof WalSegmentArchived w) {
            command = new BackupCommand.Archived(w.getInstanceId(), w.getSegment(), w.getStartPosition(),
                    w.getEndPosition(), w.getArchivedAt());
        } else {
            return List.of();
        }
        return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()), command));
    }

    /** An operator's schedule override. */
    public static List<Envelope<BackupCommand>> fromCommands(BackupCommandEnvelope e) {
        if (e.getPayload() instanceof BackupScheduleSet set) {
            return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()),
                    new BackupCommand.SetSchedule(set.getInstanceId(), set.getMinuteOfDay())));
        }
        return List.of();
    }

    /** A restore failover asks for (the restore's event id is the request id of the answer). */
    public static List<Envelope<BackupCommand>> fromFailover(FailoverEventEnvelope e) {
        if (e.getPayload() instanceof RestoreRequested r) {
            return List.of(new Envelope<>(EnvelopeMeta.fromAvro(e.getMetadata()), new BackupCommand.PlanRestore(
                    e.getMetadata().getEventId(), r.getInstanceId(), r.getTargetPosition())));
        }
        return List.of();
    }

    /** The published backup event, or empty for internal ones. */
    public static Optional<BackupEventEnvelope> toAvro(Envelope<BackupEvent> e) {
        BackupEvent event = e.body();
        Object payload;
        if (event instanceof BackupEvent.Requested r) {
            payload = new BackupRequested(r.instanceId(), r.backupId(), BackupType.FULL, r.scheduledFor());
        } else if (event instanceof BackupEvent.Expired x) {
            payload = new BackupExpired(x.instanceId(), x.backupId(), x.reason());
        } else if (event instanceof BackupEvent.WalExpired w) {
            payload = new WalSegmentsExpired(w.instanceId(), w.upToPosition(), w.segments(), w.reason());
        } else if (event instanceof BackupEvent.Overdue o) {
            payload = new BackupOverdue(o.instanceId(), o.lastSuccessAt(), o.dueSince());
        } else if (event instanceof BackupEvent.GapDetected g) {
            payload = new ArchiveGapDetected(g.instanceId(), g.kind().name(), g.lastArchivedPosition(),
                    g.detail());
        } else if (event instanceof BackupEvent.NotRestorable n) {
            payload = new BackupNotRestorable(n.instanceId(), n.backupId(), n.reason());
        } else if (event instanceof BackupEvent.RestorePlanned r) {
            payload = new RestorePlanned(r.requestId(), r.plan().instanceId(), r.plan().target(),
                    r.plan().baseBackupId(), r.plan().fromPosition(), r.plan().toPosition());
        } else if (event instanceof BackupEvent.RestoreRefused r) {
            payload = new RestoreRefused(r.requestId(), r.instanceId(), r.reason());
        } else {
            return Optional.empty();
        }
        return Optional.of(new BackupEventEnvelope(EnvelopeMeta.toAvro(e.meta()), payload));
    }

    /** A changed restorable window, as the compacted topic carries it. */
    public static Optional<RestorePointsEnvelope> window(Envelope<BackupEvent> e) {
        if (!(e.body() instanceof BackupEvent.WindowChanged w)) {
            return Optional.empty();
        }
        RestoreWindow v = w.window();
        return Optional.of(new RestorePointsEnvelope(EnvelopeMeta.toAvro(e.meta()), RestoreWindowChanged.newBuilder()
                .setInstanceId(v.instanceId()).setRetentionDays(v.retentionDays())
                .setBackupMode(v.backupMode().name())
                .setWindowStart(v.start()).setWindowEnd(v.end()).setLastArchivedPosition(v.lastArchivedPosition())
                .setFullBackups(v.fullBackups().stream().map(BackupMapping::point).toList())
                .setDeleted(v.deleted()).build()));
    }

    private static RestorePoint point(Backup b) {
        return new RestorePoint(b.backupId(), b.completedAt(), b.startPosition(), b.endPosition());
    }
}
