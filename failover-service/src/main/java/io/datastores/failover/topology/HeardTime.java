package io.datastores.failover.topology;

import java.util.Optional;
import java.util.Set;

import org.apache.kafka.streams.processor.StreamPartitioner;

import io.datastores.events.HeardUpTo;
import io.datastores.events.NodeTelemetryEnvelope;
import io.datastores.kit.streams.DeadLetters;
import io.datastores.kit.streams.DeciderProcessor;
import io.datastores.kit.streams.EnvelopeMeta;

/**
 * Where the instance stage's time comes from. A node is silent when no heartbeat was heard from it for
 * the timeout; live, only the wall clock can tell that, and a rebuild reading the log later cannot
 * ask the wall clock of then. So the live service's timer does not decide: every run, it writes the
 * time its inputs have reached ({@link HeardUpTo}) into the partition of {@code dcp.node-telemetry} it
 * reads, behind the heartbeats already written there, and decides the silences and waits due by then
 * when it reads that mark back. A rebuild reads the same marks at the same places among the same
 * heartbeats, and decides the same: a heartbeat written after a mark is late for both.
 */
final class HeardTime {

    /**
     * A mark goes to the partition it names: the one whose inputs it measured (the instance stage's task
     * number, which is its telemetry partition: every input topic of the stage has as many partitions).
     */
    static final StreamPartitioner<String, NodeTelemetryEnvelope> PARTITIONER = new StreamPartitioner<>() {
        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, NodeTelemetryEnvelope value,
                int numPartitions) {
            if (!(value.getPayload() instanceof HeardUpTo mark)) {
                return Optional.empty();
            }
            if (mark.getPartition() >= numPartitions) {
                throw new IllegalStateException("a mark of task " + mark.getPartition() + " but " + topic + " has "
                        + numPartitions + " partitions: the instance stage's inputs must all have as many");
            }
            return Optional.of(Set.of(mark.getPartition()));
        }
    };

    /**
     * The telemetry's contract ({@link EnvelopeMeta#contractProblem}), and for a mark: written by this
     * service under {@link DeciderProcessor#TICK_KEY}, read from the partition it names. Anything else
     * claiming to be a mark is dead-lettered with the reason: a mark moves a whole partition's time.
     */
    static final DeadLetters.Validator<NodeTelemetryEnvelope> VALIDATOR = new DeadLetters.Validator<>() {
        @Override
        public Optional<String> problem(String key, NodeTelemetryEnvelope value) {
            return problem(key, value, -1);
        }

        @Override
        public Optional<String> problem(String key, NodeTelemetryEnvelope value, int partition) {
            Optional<String> contract = EnvelopeMeta.contractProblem(key, value);
            if (contract.isPresent() || !(value.getPayload() instanceof HeardUpTo mark)) {
                return contract;
            }
            if (!DeciderProcessor.TICK_KEY.equals(key)) {
                return Optional.of("a HeardUpTo mark keyed '" + key + "', not '" + DeciderProcessor.TICK_KEY + "'");
            }
            if (!FailoverTopology.SERVICE.equals(value.getMetadata().getProducer())) {
                return Optional.of("a HeardUpTo mark from '" + value.getMetadata().getProducer()
                        + "': only " + FailoverTopology.SERVICE + " writes them");
            }
            if (mark.getPartition() != partition) {
                return Optional.of("a HeardUpTo mark of partition " + mark.getPartition() + " read from partition "
                        + partition);
            }
            return Optional.empty();
        }
    };

    private HeardTime() {
    }
}
