package io.datastores.kit.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * The requests our REST client sends are those of Confluent's client (method, path, media type,
 * body), checked against a stub server that answers as Confluent's registry does.
 */
class RestSchemaRegistryTest {

    private HttpServer server;
    private final List<String> requests = new ArrayList<>();
    private final List<String> bodies = new ArrayList<>();
    private final List<String> contentTypes = new ArrayList<>();
    private String url;
    private volatile int failuresLeft;

    private final Schema schema = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"x\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
            bodies.add(body);
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            String path = exchange.getRequestURI().getPath();
            int status = 200;
            String answer;
            if (path.startsWith("/flaky") && failuresLeft > 0) {
                failuresLeft--;
                status = 500;
                answer = "{\"error_code\":50001,\"message\":\"Timeout trying to lock table\"}";
            } else if (path.endsWith("/versions") && exchange.getRequestMethod().equals("POST")) {
                answer = "{\"id\":17}";
            } else if (path.startsWith("/subjects/") && exchange.getRequestMethod().equals("POST")) {
                answer = "{\"subject\":\"s\",\"version\":2,\"id\":17}";
            } else if (path.equals("/schemas/ids/17")) {
                answer = new ObjectMapper().writeValueAsString(java.util.Map.of("schema", schema.toString()));
            } else if (path.startsWith("/schemas/ids/")) {
                status = 404;
                answer = "{\"error_code\":40403,\"message\":\"Schema not found\"}";
            } else if (path.startsWith("/compatibility/")) {
                answer = "{\"is_compatible\":false}";
            } else if (path.equals("/subjects")) {
                answer = "[\"a-value\",\"b-value\"]";
            } else {
                answer = "{\"compatibility\":\"BACKWARD_TRANSITIVE\"}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void registersTheCanonicalSchemaAsConfluentsClientDoes() throws IOException {
        RestSchemaRegistry registry = new RestSchemaRegistry(url);
        assertThat(registry.register("dcp.instance-events-value", schema)).isEqualTo(17);
        assertThat(requests).containsExactly("POST /subjects/dcp.instance-events-value/versions");
        assertThat(contentTypes.get(0)).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(new ObjectMapper().readTree(bodies.get(0)).get("schema").asText())
                .isEqualTo(schema.toString());
    }

    @Test
    void looksASchemaUpUnderItsSubjectAsConfluentsClientDoes() throws IOException {
        CachingSchemaRegistry registry = new CachingSchemaRegistry(new RestSchemaRegistry(url));
        assertThat(registry.lookup("dcp.node-alerts-value", schema)).isEqualTo(17);
        assertThat(registry.lookup("dcp.node-alerts-value", schema)).isEqualTo(17);
        assertThat(requests).containsExactly("POST /subjects/dcp.node-alerts-value");
        assertThat(new ObjectMapper().readTree(bodies.get(0)).get("schema").asText())
                .isEqualTo(schema.toString());
    }

    @Test
    void cachesIdsAndSchemas() {
        CachingSchemaRegistry registry = new CachingSchemaRegistry(new RestSchemaRegistry(url));
        registry.register("s", schema);
        registry.register("s", schema);
        registry.schemaById(17);
        registry.schemaById(17);
        assertThat(requests).containsExactly("POST /subjects/s/versions");
    }

    @Test
    void notFoundCarriesConfluentsErrorCode() {
        RestSchemaRegistry registry = new RestSchemaRegistry(url);
        assertThatThrownBy(() -> registry.schemaById(3))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.isNotFound()).isTrue();
                    assertThat(e.errorCode()).isEqualTo(40403);
                });
    }

    @Test
    void compatibilityConfigAndSubjects() {
        RestSchemaRegistry registry = new RestSchemaRegistry(url);
        assertThat(registry.isCompatible("s", schema)).isFalse();
        registry.setCompatibility(null, "BACKWARD_TRANSITIVE");
        registry.setCompatibility("s", "BACKWARD_TRANSITIVE");
        assertThat(registry.subjects()).containsExactly("a-value", "b-value");
        assertThat(requests).containsExactly("POST /compatibility/subjects/s/versions/latest",
                "PUT /config", "PUT /config/s", "GET /subjects");
        assertThat(bodies.get(1)).isEqualTo("{\"compatibility\":\"BACKWARD_TRANSITIVE\"}");
    }

    @Test
    void aTransientServerErrorIsRetriedAndAPersistentOneReported() {
        failuresLeft = 2;
        RestSchemaRegistry registry = new RestSchemaRegistry(url + "flaky");
        assertThat(registry.register("s", schema)).isEqualTo(17);
        assertThat(requests).hasSize(3);
        failuresLeft = 100;
        assertThatThrownBy(() -> registry.register("s", schema))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(500));
        assertThat(requests).hasSize(3 + RestSchemaRegistry.ATTEMPTS);
    }

    @Test
    void unreachableRegistryIsNotANotFound() {
        RestSchemaRegistry registry = new RestSchemaRegistry("http://127.0.0.1:1");
        assertThatThrownBy(() -> registry.schemaById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.isNotFound()).isFalse());
    }
}
