package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;

import io.datastores.contract.Topics;
import io.datastores.events.BillingEventEnvelope;
import io.datastores.events.Engine;
import io.datastores.events.OrganizationTier;
import io.datastores.events.OrganizationTierChanged;
import io.datastores.kit.auth.Role;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.testkit.KafkaBrokerExtension;
import io.datastores.testkit.SchemaRegistryExtension;

/**
 * The HTTP API as its users meet it: every route of every service's OpenAPI document (walked from
 * the document, so a new route is covered without a new test), over real HTTP against the running
 * system, with each caller (a viewer, a platform and an operator token, another organization's
 * token, no token), first for an organization with nothing yet and unknown ids, then with instances
 * of several engines and plans, a credential, a listing, a connection, a failover and backups.
 *
 * <p>Every answer is checked against the document: no 5xx; the status is one the route declares;
 * a JSON body validates against the schema declared for that status, read strictly (an object
 * carries no property the document does not name, and every list or map property is present, an
 * empty one as {@code []} or {@code {}}); 401 without a token; 403 for a role the route refuses and
 * for another organization's instance; another organization's token never sees this one's ids.
 * Writes are driven from the document too: a body built from the request schema's examples, with
 * real ids filled in. The broker is shared with other system tests, so "empty" is what a new
 * organization sees: nothing of its own.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpContractIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SERVICES = List.of("provisioning-service", "failover-service",
            "backup-service", "marketplace-service");
    /** Services whose API is for operators only. */
    private static final Set<String> OPERATOR_ONLY = Set.of("failover-service", "backup-service");
    private static final String REGION = "AWS:us-east-1";

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String org = "org-contract-" + run;
    private final String freeOrg = "org-free-" + run;
    private final Map<String, String> instances = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, JsonNode> documents = new LinkedHashMap<>();
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    private final StrictSchemas strict = new StrictSchemas();
    private final List<String> failures = new ArrayList<>();
    private final Map<String, Integer> requests = new TreeMap<>();
    private final Map<String, Set<String>> covered = new TreeMap<>();

    private ControlPlane plane;
    private ContractSerdes serdes;
    private Platform platform;
    private List<Caller> callers;
    private String credentialId;
    private String connectionId;

    /** Who calls: a token (null for none), and what it may do. */
    record Caller(String name, String token, boolean operator, boolean writes, boolean ownOrganization) {
    }

    /** A route of a service's document. */
    record Route(String service, String method, String path, JsonNode operation) {

        String key() {
            return method.toUpperCase() + " " + path;
        }

        boolean secured() {
            JsonNode security = operation.get("security");
            return security != null && !security.isEmpty();
        }

        boolean write() {
            return !method.equals("get");
        }
    }

    @BeforeAll
    void start() throws Exception {
        serdes = new ContractSerdes(SchemaRegistryExtension.url());
        plane = new ControlPlane(KafkaBrokerExtension.bootstrapServers(), SchemaRegistryExtension.url(),
                Files.createTempDirectory("http-contract")).start();
        platform = new Platform(KafkaBrokerExtension.bootstrapServers(), serdes);
        callers = List.of(
                new Caller("no token", null, false, false, false),
                new Caller("viewer", ControlPlane.token(org, Role.VIEWER), false, false, true),
                new Caller("platform", ControlPlane.token(org, Role.PLATFORM), false, true, true),
                new Caller("another organization", ControlPlane.token("org-other-" + run, Role.PLATFORM),
                        false, true, false),
                new Caller("operator", ControlPlane.token(null), true, true, true));
        for (String service : SERVICES) {
            HttpResponse<String> doc = send("GET", plane.url(service, "/openapi.json"), null, null);
            assertThat(doc.statusCode()).as("%s /openapi.json without a token", service).isEqualTo(200);
            documents.put(service, JSON.readTree(doc.body()));
        }
    }

    @AfterAll
    void stop() {
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    @Order(1)
    @DisplayName("each service serves its generated document and Swagger UI without a token")
    void documentsAndSwaggerUi() throws Exception {
        for (String service : SERVICES) {
            JsonNode doc = documents.get(service);
            assertThat(doc.path("openapi").asText()).startsWith("3.");
            assertThat(doc.path("info").path("title").asText()).isEqualTo(service);
            assertThat(doc.path("components").path("securitySchemes").has("bearer")).isTrue();
            assertThat(doc.path("components").path("schemas").has("Problem")).as(service).isTrue();
            assertThat(routes(service)).as("%s routes", service).isNotEmpty().allSatisfy(r -> {
                JsonNode ok = success(r.operation());
                assertThat(ok).as("%s %s declares its 2xx answer", service, r.key()).isNotNull();
                assertThat(ok.path("content").isEmpty()).as("%s %s declares a body", service, r.key()).isFalse();
            });
            assertThat(JSON.readTree(send("GET", plane.url(service, "/swagger/openapi.json"), null, null).body()))
                    .as("%s /swagger/openapi.json", service).isEqualTo(doc);
            HttpResponse<String> ui = send("GET", plane.url(service, "/swagger-ui/index.html"), null, null);
            assertThat(ui.statusCode()).as("%s Swagger UI", service).isEqualTo(200);
            assertThat(ui.body()).contains("swagger-ui").contains("/swagger/openapi.json");
            assertThat(send("GET", plane.url(service, "/swagger-ui/res/swagger-ui-bundle.js"), null, null)
                    .statusCode()).isEqualTo(200);
        }
    }

    @Test
    @Order(2)
    @DisplayName("an organization with nothing yet, and unknown ids: every route, every caller")
    void emptyState() throws Exception {
        walkReads();
        assertNoFailures("empty state");
        for (String list : List.of("/instances", "/marketplace")) {
            JsonNode page = JSON.readTree(send("GET", plane.url("marketplace-service", list), null,
                    callers.get(1).token()).body());
            assertThat(page.get("items")).as("%s of an organization with nothing", list).isNotNull().isEmpty();
        }
    }

    @Test
    @Order(3)
    @DisplayName("instances of several engines and plans, a credential, a listing, a connection, a failover,"
            + " backups: every route, every caller")
    void populatedState() throws Exception {
        populate();
        walkReads();
        assertNoFailures("populated state");
    }

    @Test
    @Order(4)
    @DisplayName("every write route, with a body made from its schema's examples: refused or done as declared")
    void writes() throws Exception {
        if (instances.isEmpty()) {
            populate();
        }
        List<Route> writes = new ArrayList<>();
        SERVICES.forEach(s -> routes(s).stream().filter(Route::write).forEach(writes::add));
        // creations before removals, so that each removal has something to remove
        writes.sort((a, b) -> Boolean.compare(a.method().equals("delete"), b.method().equals("delete")));
        for (Route route : writes) {
            for (Map<String, String> binding : bindings(route, true)) {
                String body = body(route);
                // the callers a route refuses first, so that nothing they sent changes what the others see
                for (Caller caller : callers) {
                    if (!caller.writes() || !caller.ownOrganization()) {
                        call(route, binding, caller, body);
                    }
                }
                call(route, binding, callers.get(4), body);
                call(route, binding, callers.get(2), body);
            }
        }
        assertNoFailures("writes");
        printCoverage();
    }

    // --- the state ---

    private void populate() throws Exception {
        platform.pays(org, plane);
        try (var billing = new KafkaProducer<String, BillingEventEnvelope>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerExtension.bootstrapServers()),
                new StringSerializer(), serdes.value(Topics.BILLING_EVENTS).serializer())) {
            billing.send(new ProducerRecord<>(Topics.BILLING_EVENTS.name(), freeOrg, new BillingEventEnvelope(
                    Platform.meta("billing"), new OrganizationTierChanged(freeOrg, OrganizationTier.FREE))))
                    .get(30, TimeUnit.SECONDS);
        }
        instances.put("pg-" + run, "BUSINESS-4:POSTGRESQL");
        instances.put("vec-" + run, "PREMIUM-4:POSTGRESQL_VECTOR");
        instances.put("my-" + run, "STARTUP-2:MYSQL");
        instances.put("cache-" + run, "HOBBYIST:CACHE");
        try (var producer = platform.requests()) {
            for (var e : instances.entrySet()) {
                String[] planEngine = e.getValue().split(":");
                producer.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), e.getKey(), Platform.request(org,
                        e.getKey(), planEngine[0], Engine.valueOf(planEngine[1])))).get(30, TimeUnit.SECONDS);
            }
        }
        Platform owner = platform.as(callers.get(2).token());
        String market = "marketplace-service";
        for (String id : instances.keySet()) {
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(
                    owner.get(plane.url(market, "/instances/" + id)).body()).contains("\"status\":\"READY\""));
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(platform.get(
                plane.url("provisioning-service", "/organizations/" + freeOrg)).body()).as("billing's FREE")
                .contains("\"tier\":\"FREE\""));

        String pg = "pg-" + run;
        HttpResponse<String> credential = owner.post(plane.url(market, "/instances/" + pg + "/credentials"),
                "{\"kind\":\"CREATED\",\"displayName\":\"orders\",\"environment\":\"prod\",\"username\":\"orders\","
                        + "\"password\":\"contract-" + run + "\"}");
        assertThat(credential.statusCode()).as(credential.body()).isEqualTo(201);
        credentialId = JSON.readTree(credential.body()).get("credentialId").asText();
        assertThat(owner.post(plane.url(market, "/instances/" + pg + "/listing"), "").statusCode()).isEqualTo(200);
        HttpResponse<String> connection = owner.post(plane.url(market, "/instances/" + pg + "/connections"),
                "{\"componentId\":\"orders-api\",\"environment\":\"prod\",\"credentialId\":\"" + credentialId + "\"}");
        assertThat(connection.statusCode()).as(connection.body()).isEqualTo(201);
        connectionId = JSON.readTree(connection.body()).get("connectionId").asText();

        // a failover: the simulator fails the Business instance's primary
        JsonNode view = JSON.readTree(owner.get(plane.url(market, "/instances/" + pg)).body());
        String primary = null;
        for (JsonNode n : view.get("nodes")) {
            if ("PRIMARY".equals(n.path("role").asText())) {
                primary = n.get("nodeId").asText();
            }
        }
        assertThat(primary).as("the primary of %s", view).isNotNull();
        assertThat(platform.post(plane.url("simulator", "/nodes/" + primary + "/fail"), "").statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                JSON.readTree(platform.get(plane.url("failover-service", "/instances/" + pg + "/failovers"))
                        .body()).path("history")).as("a completed failover").isNotEmpty());
        // backups: a full backup as soon as an instance is ready
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                JSON.readTree(platform.get(plane.url("backup-service", "/instances/" + pg + "/backups")).body())
                        .path("fulls")).as("full backups").isNotEmpty());
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode v = JSON.readTree(owner.get(plane.url(market, "/instances/" + pg)).body());
            assertThat(v.has("failover")).as("the fleet view's last failover").isTrue();
            assertThat(v.has("backupWindow")).as("the fleet view's backup window").isTrue();
        });
    }

    // --- the walk ---

    private void walkReads() throws Exception {
        for (String service : SERVICES) {
            for (Route route : routes(service)) {
                if (route.write()) {
                    continue;
                }
                for (Map<String, String> binding : bindings(route, false)) {
                    for (Caller caller : callers) {
                        call(route, binding, caller, null);
                    }
                }
            }
        }
    }

    private List<Route> routes(String service) {
        List<Route> routes = new ArrayList<>();
        documents.get(service).path("paths").fields().forEachRemaining(p -> p.getValue().fields()
                .forEachRemaining(m -> routes.add(new Route(service, m.getKey(), p.getKey(), m.getValue()))));
        return routes;
    }

    /** Values for a route's path parameters: this run's ids where there are some, and unknown ones. */
    private List<Map<String, String>> bindings(Route route, boolean firstOnly) throws Exception {
        String path = route.path();
        String unknown = "unknown-" + run;
        List<Map<String, String>> out = new ArrayList<>();
        if (path.contains("{connectionId}") || path.contains("{credentialId}")) {
            String param = path.contains("{connectionId}") ? "connectionId" : "credentialId";
            String real = param.equals("connectionId") ? connectionId : credentialId;
            if (real != null) {
                out.add(Map.of("id", "pg-" + run, param, real));
            }
            out.add(Map.of("id", instances.isEmpty() ? unknown : "pg-" + run, param, unknown));
        } else if (path.contains("{region}")) {
            out.add(Map.of("region", REGION));
            out.add(Map.of("region", "AWS:nowhere-" + run));
        } else if (path.contains("{name}")) {
            out.add(Map.of("name", storeName(route.service())));
            out.add(Map.of("name", unknown));
        } else if (path.startsWith("/organizations/")) {
            out.add(Map.of("id", org));
            out.add(Map.of("id", freeOrg));
            out.add(Map.of("id", unknown));
        } else if (path.contains("{id}")) {
            for (String id : instances.keySet()) {
                out.add(Map.of("id", id));
                if (firstOnly) {
                    break;
                }
            }
            out.add(Map.of("id", unknown));
        } else {
            out.add(Map.of());
        }
        return out;
    }

    private String storeName(String service) throws Exception {
        JsonNode stores = JSON.readTree(send("GET", plane.url(service, "/admin/stores"), null,
                callers.get(4).token()).body());
        return stores.get(0).get("store").asText();
    }

    /** Sends one request as {@code caller} and checks the answer against the route's document. */
    private void call(Route route, Map<String, String> binding, Caller caller, String body) throws Exception {
        String path = route.path();
        for (var b : binding.entrySet()) {
            path = path.replace("{" + b.getKey() + "}", URLEncoder.encode(b.getValue(), StandardCharsets.UTF_8));
        }
        String url = plane.url(route.service(), path) + query(route);
        String what = route.service() + " " + route.method().toUpperCase() + " " + path + " as " + caller.name();
        HttpResponse<String> answer = send(route.method().toUpperCase(), url, body, caller.token());
        if (answer.statusCode() == 503) {
            try {
                answer = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                        .until(() -> send(route.method().toUpperCase(), url, body, caller.token()),
                                r -> r.statusCode() != 503);
            } catch (ConditionTimeoutException e) {
                failures.add(what + ": 503 for 20 s: " + answer.body());
                return;
            }
        }
        requests.merge(route.service(), 1, Integer::sum);
        covered.computeIfAbsent(route.service(), s -> new java.util.TreeSet<>()).add(route.key());
        int status = answer.statusCode();
        if (status >= 500) {
            failures.add(what + ": " + status + " " + answer.body());
            return;
        }
        JsonNode declared = route.operation().path("responses").get(String.valueOf(status));
        if (declared == null) {
            failures.add(what + ": answered " + status + ", which the document does not declare: " + answer.body());
            return;
        }
        boolean ownInstance = binding.values().stream().anyMatch(v -> instances.containsKey(v) || v.equals(org)
                || v.equals(freeOrg));
        if (route.secured() && caller.token() == null && status != 401) {
            failures.add(what + ": " + status + " without a token, not 401");
        } else if (caller.token() != null && !caller.operator() && status != 403
                && (OPERATOR_ONLY.contains(route.service()) || route.path().startsWith("/admin/"))) {
            failures.add(what + ": " + status + " for a route for operators only, not 403");
        } else if (caller.token() != null && route.write() && !caller.writes() && status != 403) {
            failures.add(what + ": " + status + " for a viewer's write, not 403");
        } else if (caller.token() != null && !caller.ownOrganization() && ownInstance && status != 403
                && !OPERATOR_ONLY.contains(route.service())) {
            failures.add(what + ": " + status + " for another organization's " + binding + ", not 403");
        }
        if (status / 100 == 2 && !caller.ownOrganization()) {
            for (String id : instances.keySet()) {
                if (answer.body().contains(id)) {
                    failures.add(what + ": another organization's token sees " + id);
                }
            }
        }
        checkBody(what, status, declared, answer);
    }

    private void checkBody(String what, int status, JsonNode declared, HttpResponse<String> answer) {
        JsonNode content = declared.path("content");
        if (content.isEmpty()) {
            return;
        }
        String type = answer.headers().firstValue("Content-Type").orElse("");
        if (!content.has("application/json")) { // a page, a PEM file: of a type the document names
            String declaredTypes = String.join(", ", (Iterable<String>) content::fieldNames);
            if (java.util.stream.StreamSupport.stream(((Iterable<String>) content::fieldNames).spliterator(), false)
                    .noneMatch(type::startsWith)) {
                failures.add(what + ": " + status + " as " + type + ", not " + declaredTypes);
            }
            return;
        }
        JsonNode schema = content.path("application/json").path("schema");
        if (!type.startsWith("application/json")) {
            failures.add(what + ": " + status + " as " + type + ", not application/json: " + answer.body());
            return;
        }
        String service = what.substring(0, what.indexOf(' '));
        Schema validator = schemas.computeIfAbsent(service + schema, k -> strict.of(documents.get(service), schema));
        var errors = validator.validate(answer.body(), InputFormat.JSON);
        if (!errors.isEmpty()) {
            failures.add(what + ": " + status + " does not match its schema: " + errors + " in " + answer.body());
        }
    }

    /** The route's required query parameters, each with its example or a value of its type. */
    private String query(Route route) {
        StringBuilder q = new StringBuilder();
        for (JsonNode p : route.operation().path("parameters")) {
            if (!"query".equals(p.path("in").asText()) || !p.path("required").asBoolean()) {
                continue;
            }
            String name = p.get("name").asText();
            String value = name.equals("at") ? Instant.now().toString() : sample(p.path("schema")).asText();
            q.append(q.length() == 0 ? "?" : "&").append(name).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        return q.toString();
    }

    /** A request body made from the route's request schema: examples, with this run's ids. */
    private String body(Route route) {
        JsonNode schema = route.operation().path("requestBody").path("content").path("application/json")
                .path("schema");
        if (schema.isMissingNode()) {
            return "";
        }
        JsonNode made = sample(resolve(route.service(), schema), route.service());
        if (made instanceof ObjectNode o && o.has("credentialId") && credentialId != null) {
            o.put("credentialId", credentialId);
        }
        return made.toString();
    }

    private JsonNode resolve(String service, JsonNode schema) {
        String ref = schema.path("$ref").asText("");
        return ref.isEmpty() ? schema : documents.get(service).at(ref.substring(1));
    }

    private JsonNode sample(JsonNode schema, String service) {
        JsonNode s = resolve(service, schema);
        if (s.has("properties")) {
            ObjectNode o = JSON.createObjectNode();
            s.get("properties").fields().forEachRemaining(p -> o.set(p.getKey(), sample(p.getValue(), service)));
            return o;
        }
        return sample(s);
    }

    private static JsonNode sample(JsonNode schema) {
        if (schema.has("example")) {
            return schema.get("example");
        }
        if (schema.has("enum")) {
            return schema.get("enum").get(0);
        }
        return switch (schema.path("type").asText()) {
            case "integer", "number" -> JSON.getNodeFactory().numberNode(0);
            case "boolean" -> JSON.getNodeFactory().booleanNode(false);
            case "array" -> JSON.createArrayNode();
            default -> JSON.getNodeFactory().textNode("x");
        };
    }

    private static JsonNode success(JsonNode operation) {
        for (var it = operation.path("responses").fields(); it.hasNext();) {
            var r = it.next();
            if (r.getKey().startsWith("2")) {
                return r.getValue();
            }
        }
        return null;
    }

    private HttpResponse<String> send(String method, String url, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void assertNoFailures(String state) {
        List<String> found = new ArrayList<>(failures);
        failures.clear();
        assertThat(found).as("answers in the %s that break the documents (%s requests so far)", state, requests)
                .isEmpty();
    }

    private void printCoverage() {
        for (String service : SERVICES) {
            System.out.printf("HttpContractIT: %s: %d of %d routes of its OpenAPI document covered,"
                    + " %d requests%n", service, covered.getOrDefault(service, Set.of()).size(),
                    routes(service).size(), requests.getOrDefault(service, 0));
            assertThat(covered.getOrDefault(service, Set.of())).as("%s routes covered", service)
                    .hasSize(routes(service).size());
        }
    }
}
