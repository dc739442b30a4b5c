package io.datastores.dataplane.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

@DisplayName("The endpoint server's control API")
class EndpointApiTest {

    @TempDir
    Path dir;
    EndpointServer server;
    EndpointClient control;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        server = EndpointServer.start(dir, 0);
        control = new EndpointClient(server.controlUri());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.controlUri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) {
        return EndpointJson.tree(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
        "PUT | /endpoints/inst-1 | {not json | 400 | not JSON",
        "PUT | /endpoints/inst-1 | | 400 | empty",
        "PUT | /endpoints/inst-1 | [] | 400 | must be a JSON object",
        "PUT | /endpoints/inst-1 | {\"target\":null,\"allowlist\":[]} | 400 | port",
        "PUT | /endpoints/inst-1 | {\"port\":\"80\",\"allowlist\":[]} | 400 | port",
        "PUT | /endpoints/inst-1 | {\"port\":70000,\"allowlist\":[]} | 400 | 65535",
        "PUT | /endpoints/inst-1 | {\"port\":1.5,\"allowlist\":[]} | 400 | port",
        "PUT | /endpoints/inst-1 | {\"port\":0} | 400 | allowlist",
        "PUT | /endpoints/inst-1 | {\"port\":0,\"allowlist\":\"10.0.0.0/8\"} | 400 | allowlist",
        "PUT | /endpoints/inst-1 | {\"port\":0,\"allowlist\":[\"10.0.0.0/33\"]} | 400 | invalid allowlist entry",
        "PUT | /endpoints/inst-1 | {\"port\":0,\"allowlist\":[42]} | 400 | strings",
        "PUT | /endpoints/inst-1 | {\"port\":0,\"allowlist\":[],\"alowlist\":[]} | 400 | unknown field 'alowlist'",
        "PUT | /endpoints/inst-1 | {\"port\":0,\"allowlist\":[],\"target\":{\"host\":\"127.0.0.1\",\"port\":0}} | 400 | target.port",
        "PUT | /endpoints/inst-1 | {\"port\":0,\"allowlist\":[],\"target\":{\"port\":5432}} | 400 | target.host",
        "PUT | /endpoints/inst-1 | {\"port\":0,\"allowlist\":[],\"target\":\"127.0.0.1:5432\"} | 400 | target must be a JSON object",
        "PUT | /endpoints/bad%20id | {\"port\":0,\"allowlist\":[]} | 400 | instance id",
        "PUT | /endpoints/-x | {\"port\":0,\"allowlist\":[]} | 400 | instance id",
        "POST | /endpoints/nobody/pause | | 404 | no endpoint for instance nobody",
        "POST | /endpoints/nobody/resume | | 404 | no endpoint for instance nobody",
        "GET | /endpoints/nobody | | 404 | no endpoint",
        "DELETE | /endpoints/nobody | | 404 | no endpoint",
        "GET | /nothing/here | | 404 | no such resource",
        "GET | /endpoints/a/b/c | | 404 | no such resource",
        "PATCH | /endpoints/inst-1 | {} | 405 | not allowed",
        "POST | /endpoints | {} | 405 | not allowed",
        "GET | /endpoints/inst-1/pause | | 405 | not allowed",
    })
    void badRequestsAreAnsweredWithAReason(String method, String path, String body, int status,
            String message) throws Exception {
        HttpResponse<String> response = call(method, path, body == null ? "" : body);

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json(response).path("error").asText()).contains(message);
        assertThat(json(response).path("status").asInt()).isEqualTo(status);
        assertThat(call("GET", "/health", null).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "pause {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"timeoutMillis\":-1} | 400",
        "{\"timeoutMillis\":0} | 400",
        "{\"timeoutMillis\":600001} | 400",
        "{\"timeoutMillis\":\"soon\"} | 400",
        "{\"timeout\":5} | 400",
        "{\"timeoutMillis\":1000} | 200",
        "{} | 200",
        " | 200",
    })
    void aPauseTimeoutIsChecked(String body, int status) throws Exception {
        control.put("inst-1", new EndpointSpec(0, null, List.of()));

        HttpResponse<String> response = call("POST", "/endpoints/inst-1/pause",
                body == null ? "" : body);

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(control.get("inst-1").orElseThrow().paused()).isEqualTo(status == 200);
    }

    @Test
    void aBodyOverTheLimitIsRefused() throws Exception {
        String huge = "{\"port\":0,\"allowlist\":[" + "\"10.0.0.0/8\",".repeat(10_000)
                + "\"10.0.0.0/8\"]}";

        HttpResponse<String> response = call("PUT", "/endpoints/inst-1", huge);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(control.list()).isEmpty();
    }

    @Test
    void aPortUsedByAnotherEndpointIsAConflict() {
        int port = control.put("inst-1", new EndpointSpec(0, null, List.of())).port();

        assertThatThrownBy(() -> control.put("inst-2", new EndpointSpec(port, null, List.of())))
                .isInstanceOfSatisfying(EndpointException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("inst-1");
                });
        assertThat(control.get("inst-2")).isEmpty();
    }

    @Test
    void aPortTakenOnTheMachineIsAConflict() throws Exception {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = squatter.getLocalPort();

            assertThatThrownBy(() -> control.put("inst-1", new EndpointSpec(port, null, List.of())))
                    .isInstanceOfSatisfying(EndpointException.class, e -> {
                        assertThat(e.status()).isEqualTo(409);
                        assertThat(e.getMessage()).contains("cannot be bound");
                    });
        }
        assertThat(control.list()).isEmpty();
    }

    @Test
    void putCreatesThenUpdatesAndAnswersTheEndpoint() throws Exception {
        String body = "{\"port\":0,\"target\":{\"host\":\"127.0.0.1\",\"port\":5432},"
                + "\"allowlist\":[\"10.0.0.0/8\",\"::1\"]}";

        HttpResponse<String> created = call("PUT", "/endpoints/inst-1", body);
        HttpResponse<String> updated = call("PUT", "/endpoints/inst-1", body);

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(updated.statusCode()).isEqualTo(200);
        JsonNode view = json(updated);
        assertThat(view.path("instanceId").asText()).isEqualTo("inst-1");
        assertThat(view.path("port").asInt()).isPositive()
                .isEqualTo(json(created).path("port").asInt());
        assertThat(view.path("target").path("port").asInt()).isEqualTo(5432);
        assertThat(view.path("allowlist")).hasSize(2);
        assertThat(view.path("listening").asBoolean()).isTrue();
        assertThat(view.path("paused").asBoolean()).isFalse();
        assertThat(view.path("openSessions").asInt()).isZero();
        assertThat(view.path("refused").asLong()).isZero();
    }

    @Test
    void healthAndListAnswerJson() throws Exception {
        control.put("b-inst", new EndpointSpec(0, null, List.of()));
        control.put("a-inst", new EndpointSpec(0, new Target("127.0.0.1", 6000), List.of()));

        JsonNode health = json(call("GET", "/health", null));
        List<EndpointView> list = control.list();

        assertThat(health.path("status").asText()).isEqualTo("UP");
        assertThat(health.path("endpoints").asInt()).isEqualTo(2);
        assertThat(list).extracting(EndpointView::instanceId).containsExactly("a-inst", "b-inst");
        assertThat(list.get(0).target()).isEqualTo(new Target("127.0.0.1", 6000));
        assertThat(control.healthy()).isTrue();
    }

    @Test
    void theClientSaysWhenTheServerIsGone() {
        server.close();

        assertThat(control.healthy()).isFalse();
        assertThatThrownBy(() -> control.list()).isInstanceOf(java.io.UncheckedIOException.class);
        server = assertStarts();
    }

    @Test
    void theClientCarriesTheServersReason() {
        assertThatThrownBy(() -> control.pause("nobody", Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(EndpointException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.getMessage()).isEqualTo("no endpoint for instance nobody");
                });
        assertThat(control.get("nobody")).isEmpty();
        assertThat(control.delete("nobody")).isFalse();
    }

    private EndpointServer assertStarts() {
        try {
            return EndpointServer.start(dir.resolve("again"), 0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
