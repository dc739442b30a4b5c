package io.datastores.contract;

import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * One topic of the contract: its name, what its key is, the envelope its values are, how many
 * partitions it has, how it is cleaned up, and the one writer allowed to append to it.
 *
 * @param name         topic name
 * @param key          what the record key holds (a UTF-8 string)
 * @param valueType    the Avro envelope every value is
 * @param partitions   partition count created by the platform
 * @param cleanupPolicy {@code delete} or {@code compact}
 * @param writer       the single writer of the topic
 * @param settings     further topic configuration (compaction timing, say)
 * @param <T>          the envelope type
 */
public record TopicSpec<T extends SpecificRecord>(
        String name,
        String key,
        Class<T> valueType,
        int partitions,
        String cleanupPolicy,
        String writer,
        Map<String, String> settings) {

    /** A topic with no settings beyond its cleanup policy. */
    public TopicSpec(String name, String key, Class<T> valueType, int partitions, String cleanupPolicy, String writer) {
        this(name, key, valueType, partitions, cleanupPolicy, writer, Map.of());
    }

    /** Suffix of the dead-letter topic that every consumer of this topic writes undecodable input to. */
    public static final String DLQ_SUFFIX = ".dlq";

    /** Confluent's TopicNameStrategy subject of the value schema. */
    public String valueSubject() {
        return name + "-value";
    }

    /** Name of this topic's dead-letter topic. */
    public String deadLetterTopic() {
        return name + DLQ_SUFFIX;
    }

    /** The envelope schema, as generated from {@code schemas/}. */
    public Schema valueSchema() {
        try {
            return (Schema) valueType.getField("SCHEMA$").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("not a generated Avro class: " + valueType, e);
        }
    }

    /** Simple names of the event types a value may carry (the branches of its payload union). */
    public List<String> eventTypes() {
        return valueSchema().getField("payload").schema().getTypes().stream()
                .map(Schema::getName)
                .toList();
    }

    /** Topic-level configuration the platform creates the topic with. */
    public Map<String, String> config() {
        Map<String, String> config = new java.util.TreeMap<>(settings);
        config.put("cleanup.policy", cleanupPolicy);
        return config;
    }
}
