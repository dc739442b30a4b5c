package io.datastores.kit.serde;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Talks to a Confluent-compatible schema registry over its REST API, with the requests Confluent's
 * own client sends (so the registry assigns the same subjects and ids). Registers the canonical
 * form of a schema ({@link Schema#toString()}), which is what Confluent's client sends too.
 */
public final class RestSchemaRegistry implements SchemaRegistry {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Attempts of a request that failed in transit or with a 5xx (Apicurio's H2 store times out on locks). */
    static final int ATTEMPTS = 6;
    private static final long FIRST_BACKOFF_MILLIS = 100;

    private final String baseUrl;
    private final HttpClient http;
    private final Duration timeout;

    public RestSchemaRegistry(String baseUrl) {
        this(baseUrl, Duration.ofSeconds(10));
    }

    public RestSchemaRegistry(String baseUrl, Duration timeout) {
        String first = baseUrl.split(",")[0].trim();
        this.baseUrl = first.endsWith("/") ? first.substring(0, first.length() - 1) : first;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public int register(String subject, Schema schema) {
        JsonNode answer = send("POST", "/subjects/" + enc(subject) + "/versions", schemaBody(schema));
        return answer.get("id").asInt();
    }

    @Override
    public int lookup(String subject, Schema schema) {
        return send("POST", "/subjects/" + enc(subject), schemaBody(schema)).get("id").asInt();
    }

    @Override
    public Schema schemaById(int id) {
        JsonNode answer = send("GET", "/schemas/ids/" + id, null);
        return new Schema.Parser().parse(answer.get("schema").asText());
    }

    @Override
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        send("GET", "/subjects", null).forEach(n -> subjects.add(n.asText()));
        return subjects;
    }

    @Override
    public List<Integer> versions(String subject) {
        List<Integer> versions = new ArrayList<>();
        send("GET", "/subjects/" + enc(subject) + "/versions", null).forEach(n -> versions.add(n.asInt()));
        return versions;
    }

    @Override
    public SubjectVersion version(String subject, String version) {
        JsonNode v = send("GET", "/subjects/" + enc(subject) + "/versions/" + enc(version), null);
        return new SubjectVersion(v.get("subject").asText(), v.get("version").asInt(),
                v.get("id").asInt(), new Schema.Parser().parse(v.get("schema").asText()));
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        try {
            JsonNode answer = send("POST",
                    "/compatibility/subjects/" + enc(subject) + "/versions/latest", schemaBody(schema));
            return answer.get("is_compatible").asBoolean();
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return true; // nothing registered yet: anything is compatible
            }
            throw e;
        }
    }

    @Override
    public void setCompatibility(String subject, String level) {
        String path = subject == null ? "/config" : "/config/" + enc(subject);
        send("PUT", path, json(Map.of("compatibility", level)));
    }

    @Override
    public java.util.Optional<String> compatibility(String subject) {
        String path = subject == null ? "/config" : "/config/" + enc(subject);
        try {
            return java.util.Optional.of(send("GET", path, null).get("compatibilityLevel").asText());
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return java.util.Optional.empty();
            }
            throw e;
        }
    }

    private static String schemaBody(Schema schema) {
        return json(Map.of("schema", schema.toString()));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends a request, again after a transport failure or a 5xx, with doubling pauses (about 3 s in
     * all): every request here is idempotent. A 4xx is an answer, not a failure, and is not retried.
     */
    private JsonNode send(String method, String path, String body) {
        long backoff = FIRST_BACKOFF_MILLIS;
        for (int attempt = 1; ; attempt++) {
            try {
                return sendOnce(method, path, body);
            } catch (SchemaRegistryException e) {
                boolean transient5xx = e.status() == 0 || e.status() >= 500;
                if (!transient5xx || attempt >= ATTEMPTS) {
                    throw e;
                }
                pause(backoff);
                backoff *= 2;
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while retrying the schema registry", e);
        }
    }

    private JsonNode sendOnce(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry at " + baseUrl + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted talking to " + baseUrl, e);
        }
        JsonNode answer = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            int code = answer.path("error_code").asInt(response.statusCode());
            String message = answer.path("message").asText(response.body());
            throw new SchemaRegistryException(response.statusCode(), code,
                    method + " " + path + ": " + response.statusCode() + " " + message);
        }
        return answer;
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? JSON.nullNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(body);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "RestSchemaRegistry[" + baseUrl + "]";
    }
}
