package io.datastores.kit.streams;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import io.datastores.contract.TopicSpec;
import io.datastores.kit.serde.UndecodableRecordException;

/**
 * Reads a topic as raw bytes and decodes each record in the topology, so that a record that can
 * never be decoded (not the wire format, an unknown schema id, malformed Avro, an invalid event)
 * goes to {@code <topic>.dlq} with its original bytes and headers naming the cause, inside the
 * same exactly-once transaction, and processing goes on with the next record.
 */
public final class DeadLetters {

    public static final String CAUSE = "dlq.cause";
    public static final String ERROR = "dlq.error";
    public static final String SERVICE = "dlq.service";
    public static final String TOPIC = "dlq.topic";
    public static final String PARTITION = "dlq.partition";
    public static final String OFFSET = "dlq.offset";

    private DeadLetters() {
    }

    /**
     * The decoded records of a contract topic that pass the envelope checks of
     * {@link EnvelopeMeta#contractProblem}; the rest go to its dead-letter topic.
     */
    public static <T extends org.apache.avro.specific.SpecificRecord> KStream<String, T> decode(
            StreamsBuilder builder, TopicSpec<T> topic, io.datastores.kit.serde.ContractSerdes serdes,
            String service) {
        return decode(builder, topic, serdes.value(topic).deserializer(),
                (key, value) -> EnvelopeMeta.contractProblem(key, value), service);
    }

    /**
     * The decoded, valid records of {@code topic}; the rest go to its dead-letter topic.
     *
     * @param validator returns why a decoded value breaks the contract, or empty when it is valid;
     *                  it receives the record key and value
     */
    public static <T> KStream<String, T> decode(StreamsBuilder builder, TopicSpec<?> topic,
            Deserializer<T> deserializer, Validator<T> validator, String service) {
        String name = topic.name().replace('.', '-');
        KStream<String, Decoded<T>> decoded = builder
                .stream(topic.name(), Consumed.with(Serdes.String(), Serdes.ByteArray())
                        .withName(name + "-source"))
                .process(() -> new DecodeProcessor<>(topic.name(), deserializer, validator, service),
                        Named.as(name + "-decode"));
        Map<String, KStream<String, Decoded<T>>> branches = decoded
                .split(Named.as(name + "-"))
                .branch((k, v) -> v.value() != null, Branched.as("valid"))
                .defaultBranch(Branched.as("dead"));
        branches.get(name + "-dead")
                .mapValues(Decoded::raw, Named.as(name + "-dead-raw"))
                .to(topic.deadLetterTopic(), Produced.with(Serdes.String(), Serdes.ByteArray())
                        .withName(name + "-dlq-sink"));
        return branches.get(name + "-valid").mapValues(Decoded::value, Named.as(name + "-decoded"));
    }

    /** Why a decoded value breaks the contract, or empty. */
    @FunctionalInterface
    public interface Validator<T> {
        Optional<String> problem(String key, T value);

        /** As {@link #problem(String, Object)}, for a validator that must know the partition read. */
        default Optional<String> problem(String key, T value, int partition) {
            return problem(key, value);
        }

        static <T> Validator<T> none() {
            return (k, v) -> Optional.empty();
        }

        static <T> Validator<T> of(Function<T, Optional<String>> f) {
            return (k, v) -> f.apply(v);
        }
    }

    /** A decoded value, or the raw bytes of a record that could not be decoded. */
    public record Decoded<T>(T value, byte[] raw) {
    }

    private static final class DecodeProcessor<T>
            implements Processor<String, byte[], String, Decoded<T>> {

        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeadLetters.class);

        private final String topic;
        private final Deserializer<T> deserializer;
        private final Validator<T> validator;
        private final String service;
        private ProcessorContext<String, Decoded<T>> context;

        DecodeProcessor(String topic, Deserializer<T> deserializer, Validator<T> validator,
                String service) {
            this.topic = topic;
            this.deserializer = deserializer;
            this.validator = validator;
            this.service = service;
        }

        @Override
        public void init(ProcessorContext<String, Decoded<T>> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, byte[]> record) {
            byte[] raw = record.value();
            String cause;
            String error;
            try {
                if (raw == null) {
                    throw new UndecodableRecordException(
                            UndecodableRecordException.Reason.NOT_WIRE_FORMAT, "null value");
                }
                T value = deserializer.deserialize(topic, record.headers(), raw);
                Optional<String> problem = validator.problem(record.key(), value,
                        context.recordMetadata().map(RecordMetadata::partition).orElse(-1));
                if (problem.isEmpty()) {
                    context.forward(record.withValue(new Decoded<>(value, null)));
                    return;
                }
                cause = UndecodableRecordException.Reason.INVALID_EVENT.name();
                error = problem.get();
            } catch (UndecodableRecordException e) {
                cause = e.reason().name();
                error = e.getMessage();
            }
            Headers headers = record.headers();
            Optional<RecordMetadata> origin = context.recordMetadata();
            set(headers, CAUSE, cause);
            set(headers, ERROR, error);
            set(headers, SERVICE, service);
            set(headers, TOPIC, origin.map(RecordMetadata::topic).orElse(topic));
            set(headers, PARTITION, origin.map(m -> String.valueOf(m.partition())).orElse("-1"));
            set(headers, OFFSET, origin.map(m -> String.valueOf(m.offset())).orElse("-1"));
            LOG.warn("dead-lettered {}-{}@{}: {}", topic,
                    origin.map(RecordMetadata::partition).orElse(-1),
                    origin.map(RecordMetadata::offset).orElse(-1L), cause);
            context.forward(record.withValue(new Decoded<>(null, raw == null ? new byte[0] : raw)));
        }

        private static void set(Headers headers, String key, String value) {
            headers.remove(key);
            headers.add(key, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
