package io.datastores.backup.topology;

import java.time.Clock;
import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

import io.datastores.backup.domain.BackupCommand;
import io.datastores.backup.domain.BackupDecider;
import io.datastores.backup.domain.BackupEvent;
import io.datastores.backup.domain.BackupState;
import io.datastores.backup.mapping.BackupMapping;
import io.datastores.contract.Topics;
import io.datastores.events.BackupEventEnvelope;
import io.datastores.events.RestorePointsEnvelope;
import io.datastores.kit.decider.Envelope;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.kit.streams.DeciderProcessor;

/**
 * backup-service's topology. Reads {@code dcp.instance-events} (accepted with the plan's backup
 * policy, ready, plan changed, deleted) and {@code dcp.dataplane-events} (backups completed or
 * failed, log segments archived), {@code dcp.failover-events} (restores asked for) and
 * {@code dcp.backup-commands} (operators' schedule overrides); keeps one {@link BackupState} per instance in the queryable
 * {@value #STORE} store, with a timer for schedules, retries, alarms and retention. Writes
 * {@code dcp.backup-events} and the compacted {@code dcp.restore-points}, of both the only writer.
 */
public final class BackupTopology {

    public static final String SERVICE = "backup-service";
    public static final String STORE = "backups";

    private BackupTopology() {
    }

    /**
     * The serde of the {@value #STORE} store: CBOR, each phase tagged with its name; it reads the
     * previous version's flat JSON too.
     */
    public static BackupStateSerde stateSerde() {
        return new BackupStateSerde();
    }

    /** The topology as the live service runs it: publishing its decisions. */
    public static KStream<String, BackupEventEnvelope> build(StreamsBuilder builder, ContractSerdes serdes,
            BackupDecider decider, Clock clock, Duration timerInterval) {
        return build(builder, serdes, decider, clock, timerInterval, true);
    }

    /** With {@code publish} false, a shadow: it decides and keeps state, and writes no topic but its own. */
    public static KStream<String, BackupEventEnvelope> build(StreamsBuilder builder, ContractSerdes serdes,
            BackupDecider decider, Clock clock, Duration timerInterval, boolean publish) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), stateSerde()));
        // Consume
        KStream<String, Envelope<BackupCommand>> commands = DeadLetters
                .decode(builder, Topics.INSTANCE_EVENTS, serdes, SERVICE)
                .flatMapValues(BackupMapping::fromInstanceEvent, Named.as("instance-to-commands"))
                .merge(DeadLetters.decode(builder, Topics.DATA_PLANE_EVENTS, serdes, SERVICE)
                        .flatMapValues(BackupMapping::fromDataPlane, Named.as("dataplane-to-commands")),
                        Named.as("commands"))
                .merge(DeadLetters.decode(builder, Topics.FAILOVER_EVENTS, serdes, SERVICE)
                        .flatMapValues(BackupMapping::fromFailover, Named.as("restore-requests")),
                        Named.as("with-restores"))
                .merge(DeadLetters.decode(builder, Topics.BACKUP_COMMANDS, serdes, SERVICE)
                        .flatMapValues(BackupMapping::fromCommands, Named.as("operator-commands")),
                        Named.as("with-operators"));
        // Decide
        KStream<String, Envelope<BackupEvent>> events = commands.process(DeciderProcessor.supplier(decider, STORE,
                SERVICE, decider::due, timerInterval, clock), Named.as("decide"), STORE);
        // Produce
        KStream<String, RestorePointsEnvelope> windows = events
                .flatMapValues(e -> BackupMapping.window(e).stream().toList(), Named.as("windows"));
        if (publish) {
            windows.to(Topics.RESTORE_POINTS.name(), Produced.with(Serdes.String(),
                    serdes.value(Topics.RESTORE_POINTS)).withName("restore-points"));
        }
        KStream<String, BackupEventEnvelope> published = events
                .flatMapValues(e -> BackupMapping.toAvro(e).stream().toList(), Named.as("events-to-avro"));
        if (publish) {
            published.to(Topics.BACKUP_EVENTS.name(),
                    Produced.with(Serdes.String(), serdes.value(Topics.BACKUP_EVENTS)).withName("backup-events"));
        }
        return published;
    }
}
