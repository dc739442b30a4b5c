package io.datastores.system;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.OpenApi30;

/**
 * A response schema of a service's OpenAPI document, read strictly, as the contract test checks
 * answers against it: an object names every property it may carry (no others), and its list and map
 * properties are always there (an empty list is {@code []}, never left out).
 */
final class StrictSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final SchemaRegistry registry = SchemaRegistry.withDialect(OpenApi30.getInstance());

    /** The schema {@code declared} (as an operation's response names it) with {@code document}'s components. */
    Schema of(JsonNode document, JsonNode declared) {
        ObjectNode components = document.path("components").deepCopy();
        components.remove("securitySchemes");
        components.path("schemas").forEach(StrictSchemas::strict);
        ObjectNode root = JSON.createObjectNode();
        ObjectNode top = declared.deepCopy();
        strict(top);
        root.set("allOf", JSON.createArrayNode().add(top));
        root.set("components", components);
        return registry.getSchema(root.toString(), InputFormat.JSON);
    }

    private static void strict(JsonNode node) {
        if (!(node instanceof ObjectNode schema)) {
            return;
        }
        JsonNode properties = schema.get("properties");
        if (properties != null && !schema.has("additionalProperties")) {
            schema.put("additionalProperties", false);
        }
        if (properties != null) {
            ArrayNode required = schema.has("required") ? (ArrayNode) schema.get("required") : schema.putArray("required");
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext();) {
                var p = it.next();
                boolean list = "array".equals(p.getValue().path("type").asText());
                boolean map = p.getValue().has("additionalProperties") && !p.getValue().has("properties");
                if ((list || map) && !p.getValue().path("nullable").asBoolean()) {
                    required.add(p.getKey());
                }
                strict(p.getValue());
            }
        }
        if (schema.has("items")) {
            strict(schema.get("items"));
        }
        if (schema.get("additionalProperties") instanceof ObjectNode a) {
            strict(a);
        }
    }
}
