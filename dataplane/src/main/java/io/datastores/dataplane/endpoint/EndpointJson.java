package io.datastores.dataplane.endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The endpoint server's JSON: an {@link EndpointSpec} read field by field, so that bad input is
 * refused with a message that names the field; views and specs written with Jackson.
 */
final class EndpointJson {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Set<String> SPEC_FIELDS = Set.of("port", "target", "allowlist");
    private static final Set<String> TARGET_FIELDS = Set.of("host", "port");

    private EndpointJson() {
    }

    /** The spec in {@code body}; {@link IllegalArgumentException} saying what is wrong. */
    static EndpointSpec spec(byte[] body) {
        return spec(tree(body));
    }

    /** The spec in {@code node}; {@link IllegalArgumentException} saying what is wrong. */
    static EndpointSpec spec(JsonNode node) {
        requireObject(node, "the endpoint", SPEC_FIELDS);
        JsonNode port = node.get("port");
        if (port == null || !port.canConvertToInt() || !port.isIntegralNumber()) {
            throw new IllegalArgumentException("port must be a whole number from 0 to 65535");
        }
        JsonNode allowlist = node.get("allowlist");
        if (allowlist == null || !allowlist.isArray()) {
            throw new IllegalArgumentException(
                    "allowlist must be a list of CIDR blocks (an empty list refuses everyone)");
        }
        List<String> entries = new ArrayList<>();
        for (JsonNode entry : allowlist) {
            if (!entry.isTextual()) {
                throw new IllegalArgumentException("allowlist entries must be strings, not "
                        + entry);
            }
            entries.add(entry.asText());
        }
        return new EndpointSpec(port.intValue(), target(node.get("target")), entries);
    }

    /** The JSON tree in {@code body}; {@link IllegalArgumentException} if it is not JSON. */
    static JsonNode tree(byte[] body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException("the body is empty; a JSON object is expected");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("the body cannot be read: " + e.getMessage());
        }
    }

    static byte[] bytes(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void requireObject(JsonNode node, String what, Set<String> fields) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(what + " must be a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new IllegalArgumentException("unknown field '" + name + "' in " + what
                        + " (known: " + fields.stream().sorted().toList() + ")");
            }
        }
    }

    private static Target target(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        requireObject(node, "target", TARGET_FIELDS);
        JsonNode host = node.get("host");
        JsonNode port = node.get("port");
        if (host == null || !host.isTextual()) {
            throw new IllegalArgumentException("target.host must be a string");
        }
        if (port == null || !port.isIntegralNumber() || !port.canConvertToInt()) {
            throw new IllegalArgumentException(
                    "target.port must be a whole number from 1 to 65535");
        }
        return new Target(host.asText(), port.intValue());
    }
}
