package io.datastores.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.datastores.contract.TopicSpec;
import io.datastores.kit.json.JsonSerde;

/**
 * Events to publish, read from a file of JSON objects (one after another, or one array), each
 * {@code {"type": "InstanceRequested", "event": {...}}} with optional {@code "key"} (default: the
 * event's instanceId) and {@code "metadata"} (defaults: a new event id, correlation = event id, now,
 * producer {@code dcp}). Every object is checked against the topic's schema before anything is sent.
 */
public final class EventFile {

    /** One record to send. */
    public record Outgoing(String key, GenericRecord envelope) {
    }

    private EventFile() {
    }

    public static List<Outgoing> read(Path file, TopicSpec<?> topic) throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> it = JsonSerde.MAPPER.readerFor(JsonNode.class)
                .with(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .readValues(JsonSerde.MAPPER.getFactory().createParser(Files.newBufferedReader(file))
                        .enable(JsonParser.Feature.ALLOW_COMMENTS))) {
            while (it.hasNextValue()) {
                JsonNode node = it.nextValue();
                if (node.isArray()) {
                    node.forEach(objects::add);
                } else {
                    objects.add(node);
                }
            }
        }
        List<Outgoing> out = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            out.add(toEnvelope(objects.get(i), topic, "#" + (i + 1)));
        }
        return out;
    }

    static Outgoing toEnvelope(JsonNode node, TopicSpec<?> topic, String path) {
        Schema envelope = topic.valueSchema();
        if (!node.isObject() || !node.path("type").isTextual() || !node.path("event").isObject()) {
            throw new PlainJson.InvalidEvent(path, "expected {\"type\": \"<event type>\", \"event\": {...}}");
        }
        String type = node.get("type").asText();
        Schema branch = envelope.getField("payload").schema().getTypes().stream()
                .filter(s -> s.getName().equals(type)).findFirst()
                .orElseThrow(() -> new PlainJson.InvalidEvent(path + ".type",
                        "'" + type + "' is not an event of " + topic.name() + " (" + topic.eventTypes() + ")"));
        GenericRecord payload = (GenericRecord) PlainJson.toAvro(node.get("event"), branch, path + ".event");

        ObjectNode meta = node.has("metadata") && node.get("metadata").isObject()
                ? ((ObjectNode) node.get("metadata")).deepCopy() : JsonSerde.MAPPER.createObjectNode();
        String eventId = meta.path("eventId").asText(UUID.randomUUID().toString());
        meta.put("eventId", eventId);
        if (!meta.has("correlationId")) {
            meta.put("correlationId", eventId);
        }
        if (!meta.has("occurredAt")) {
            meta.put("occurredAt", Instant.now().toString());
        }
        if (!meta.has("producer")) {
            meta.put("producer", "dcp");
        }
        Object metadata = PlainJson.toAvro(meta, envelope.getField("metadata").schema(), path + ".metadata");

        GenericRecord record = new GenericData.Record(envelope);
        record.put("metadata", metadata);
        record.put("payload", payload);
        String key = node.path("key").asText(null);
        if (key == null) {
            Object instanceId = branch.getField("instanceId") == null ? null : payload.get("instanceId");
            if (instanceId == null) {
                throw new PlainJson.InvalidEvent(path + ".key", "no key and no instanceId to key by");
            }
            key = instanceId.toString();
        }
        return new Outgoing(key, record);
    }
}
