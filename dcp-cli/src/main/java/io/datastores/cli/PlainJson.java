package io.datastores.cli;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Plain JSON to and from Avro generic data, guided by the schema: fields by name, defaults for
 * missing fields that have one, unions by the value's shape (no Avro-JSON branch wrappers), enums
 * as symbols, timestamps as ISO-8601 or epoch milliseconds, bytes as base64. Every problem names
 * the path of the offending field.
 */
public final class PlainJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PlainJson() {
    }

    /** Thrown with the JSON path of what does not fit the schema. */
    public static final class InvalidEvent extends IllegalArgumentException {
        public InvalidEvent(String path, String message) {
            super(path + ": " + message);
        }
    }

    public static Object toAvro(JsonNode json, Schema schema, String path) {
        switch (schema.getType()) {
            case RECORD: {
                if (!json.isObject()) {
                    throw new InvalidEvent(path, "expected an object for " + schema.getName());
                }
                GenericRecord record = new GenericData.Record(schema);
                for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    if (schema.getField(name) == null) {
                        throw new InvalidEvent(path + "." + name, "no such field in " + schema.getName()
                                + " (fields: " + schema.getFields().stream().map(Schema.Field::name).toList() + ")");
                    }
                }
                for (Schema.Field f : schema.getFields()) {
                    JsonNode value = json.get(f.name());
                    if (value == null) {
                        if (!f.hasDefaultValue()) {
                            throw new InvalidEvent(path + "." + f.name(), "required field is missing");
                        }
                        record.put(f.pos(), GenericData.get().deepCopy(f.schema(), GenericData.get().getDefaultValue(f)));
                    } else {
                        record.put(f.pos(), toAvro(value, f.schema(), path + "." + f.name()));
                    }
                }
                return record;
            }
            case UNION: {
                if (json.isNull()) {
                    if (schema.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL)) {
                        return null;
                    }
                    throw new InvalidEvent(path, "may not be null");
                }
                List<String> errors = new ArrayList<>();
                for (Schema branch : schema.getTypes()) {
                    if (branch.getType() == Schema.Type.NULL) {
                        continue;
                    }
                    try {
                        return toAvro(json, branch, path);
                    } catch (InvalidEvent e) {
                        errors.add(e.getMessage());
                    }
                }
                throw new InvalidEvent(path, "fits no branch of the union: " + errors);
            }
            case ENUM:
                if (!json.isTextual() || !schema.getEnumSymbols().contains(json.asText())) {
                    throw new InvalidEvent(path, "expected one of " + schema.getEnumSymbols());
                }
                return new GenericData.EnumSymbol(schema, json.asText());
            case ARRAY: {
                if (!json.isArray()) {
                    throw new InvalidEvent(path, "expected an array");
                }
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < json.size(); i++) {
                    items.add(toAvro(json.get(i), schema.getElementType(), path + "[" + i + "]"));
                }
                return new GenericData.Array<>(schema, items);
            }
            case STRING:
                if (!json.isTextual()) {
                    throw new InvalidEvent(path, "expected a string");
                }
                return json.asText();
            case BOOLEAN:
                if (!json.isBoolean()) {
                    throw new InvalidEvent(path, "expected true or false");
                }
                return json.asBoolean();
            case INT:
                if (!json.canConvertToInt() || !json.isIntegralNumber()) {
                    throw new InvalidEvent(path, "expected a 32-bit integer");
                }
                return json.asInt();
            case LONG:
                if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis && json.isTextual()) {
                    try {
                        return Instant.parse(json.asText()).toEpochMilli();
                    } catch (DateTimeParseException e) {
                        throw new InvalidEvent(path, "expected an ISO-8601 instant or epoch milliseconds");
                    }
                }
                if (!json.isIntegralNumber() || !json.canConvertToLong()) {
                    throw new InvalidEvent(path, "expected an integer");
                }
                return json.asLong();
            case DOUBLE:
            case FLOAT:
                if (!json.isNumber()) {
                    throw new InvalidEvent(path, "expected a number");
                }
                return schema.getType() == Schema.Type.FLOAT ? (Object) (float) json.asDouble() : json.asDouble();
            case BYTES:
                if (!json.isTextual()) {
                    throw new InvalidEvent(path, "expected base64 text");
                }
                try {
                    return ByteBuffer.wrap(Base64.getDecoder().decode(json.asText()));
                } catch (IllegalArgumentException e) {
                    throw new InvalidEvent(path, "expected base64 text");
                }
            case NULL:
                if (!json.isNull()) {
                    throw new InvalidEvent(path, "expected null");
                }
                return null;
            default:
                throw new InvalidEvent(path, "unsupported schema type " + schema.getType());
        }
    }

    /** Avro generic data as plain JSON, the inverse of {@link #toAvro}. */
    public static JsonNode fromAvro(Object value, Schema schema) {
        if (value == null) {
            return NODES.nullNode();
        }
        switch (schema.getType()) {
            case RECORD: {
                GenericRecord record = (GenericRecord) value;
                ObjectNode node = NODES.objectNode();
                for (Schema.Field f : schema.getFields()) {
                    node.set(f.name(), fromAvro(record.get(f.pos()), f.schema()));
                }
                return node;
            }
            case UNION:
                return fromAvro(value, schema.getTypes().get(GenericData.get().resolveUnion(schema, value)));
            case ARRAY: {
                ArrayNode node = NODES.arrayNode();
                for (Object item : (Iterable<?>) value) {
                    node.add(fromAvro(item, schema.getElementType()));
                }
                return node;
            }
            case MAP: {
                ObjectNode node = NODES.objectNode();
                ((Map<?, ?>) value).forEach((k, v) -> node.set(k.toString(), fromAvro(v, schema.getValueType())));
                return node;
            }
            case LONG:
                if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                    long millis = value instanceof Instant i ? i.toEpochMilli() : (Long) value;
                    return NODES.textNode(Instant.ofEpochMilli(millis).toString());
                }
                return NODES.numberNode((Long) value);
            case INT:
                return NODES.numberNode((Integer) value);
            case BOOLEAN:
                return NODES.booleanNode((Boolean) value);
            case DOUBLE:
            case FLOAT:
                return NODES.numberNode(((Number) value).doubleValue());
            case BYTES: {
                ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
            }
            default:
                return NODES.textNode(value.toString());
        }
    }
}
