package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import io.datastores.contract.Topics;
import io.datastores.events.Engine;
import io.datastores.kit.auth.Role;
import io.datastores.kit.serde.ContractSerdes;

/**
 * The dashboard as a user meets it, in a real browser (Debian's Chromium through Selenium) on a
 * fresh stack: empty, then with instances but nothing listed yet, then with a listing, then an
 * instance's detail opened by a click. At every step the page shows no error text and the browser
 * console holds no error. Screenshots of each step land in {@code system-tests/target/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {

    private static final String ORG = "acme";
    private static final Duration PAGE_WAIT = Duration.ofSeconds(30);
    private final String database = "orders-" + UUID.randomUUID().toString().substring(0, 8);
    private final String cache = "sessions-" + UUID.randomUUID().toString().substring(0, 8);
    /** A password that must never reach the page. */
    private final String secret = "leak-marker-" + UUID.randomUUID();
    private FreshBackbone backbone;
    private ControlPlane plane;
    private Platform operator;
    private Platform owner;
    private Browser browser;

    @BeforeAll
    void freshStackAndBrowser() throws Exception {
        Browser.assumeInstalled();
        backbone = FreshBackbone.start("dashboard");
        plane = new ControlPlane(backbone.bootstrapServers(), backbone.registryUrl(),
                backbone.dir().resolve("plane")).start();
        operator = new Platform(backbone.bootstrapServers(), new ContractSerdes(backbone.registryUrl()));
        owner = operator.as(ControlPlane.token(ORG, Role.PLATFORM));
        browser = Browser.start(backbone.dir().resolve("chromium-profile"));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (plane != null) {
            plane.close();
        }
        if (backbone != null) {
            backbone.close();
        }
    }

    private String url(String path) {
        return plane.url("marketplace-service", path);
    }

    /** Opens the dashboard as acme's viewer would, from the address {@code ./dcp up} prints. */
    private void openDashboard() {
        browser.open(url("/dashboard") + "#token=" + ControlPlane.token(ORG, Role.VIEWER));
    }

    private String text(String id) {
        return browser.driver().findElement(By.id(id)).getText();
    }

    private List<WebElement> rows(String table) {
        return browser.driver().findElements(By.cssSelector("#" + table + " tbody tr"));
    }

    /** Waits until the page has loaded its data once, then demands no error on the page or the console. */
    private void awaitLoadedWithoutErrors() {
        await().atMost(PAGE_WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(text("error")).as("error text on the page").isEmpty();
            assertThat(browser.driver().findElement(By.tagName("body")).getAttribute("data-loaded"))
                    .isEqualTo("true");
        });
        assertNoErrors();
    }

    private void assertNoErrors() {
        assertThat(text("error")).as("error text on the page").isEmpty();
        assertThat(browser.newConsoleErrors()).as("errors in the browser console since the last step")
                .isEmpty();
    }

    private static Path screenshotFile(String name) {
        return Path.of("target", name).toAbsolutePath();
    }

    private void screenshot(String name) throws Exception {
        Path file = browser.screenshot(screenshotFile(name));
        assertThat(Files.size(file)).as(name).isGreaterThan(5_000);
    }

    @Test
    @Order(1)
    @DisplayName("an empty stack: no instance, no listing, no error")
    void emptyStack() throws Exception {
        openDashboard();

        awaitLoadedWithoutErrors();
        assertThat(text("total")).isEqualTo("0");
        assertThat(rows("fleet")).isEmpty();
        assertThat(rows("marketplace")).isEmpty();
        assertThat(text("who")).contains(ORG);
        screenshot("dashboard-empty.png");
    }

    @Test
    @Order(2)
    @DisplayName("instances but no listing yet: the fleet shows, the marketplace is empty, no error")
    void populatedBeforeTheFirstListing() throws Exception {
        operator.pays(ORG, plane);
        try (var producer = operator.requests()) {
            producer.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), database,
                    Platform.request(ORG, database, "BUSINESS-4", Engine.POSTGRESQL))).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(Topics.INSTANCE_REQUESTS.name(), cache,
                    Platform.request(ORG, cache, "HOBBYIST", Engine.CACHE))).get(30, TimeUnit.SECONDS);
        }
        for (String instance : List.of(database, cache)) {
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(
                    owner.get(url("/instances/" + instance)).body()).contains("\"status\":\"READY\""));
        }

        openDashboard();

        awaitLoadedWithoutErrors();
        await().atMost(PAGE_WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(rows("fleet")).hasSize(2);
            assertThat(text("fleet")).contains("db " + database).contains("db " + cache).contains("READY")
                    .doesNotContain("PROVISIONING");
        });
        assertThat(text("total")).isEqualTo("2");
        assertThat(text("by-engine")).contains("CACHE").contains("POSTGRESQL");
        assertThat(text("backup-coverage")).endsWith("%");
        assertThat(rows("marketplace")).isEmpty();
        assertNoErrors();
        screenshot("dashboard-before-listing.png");
    }

    @Test
    @Order(3)
    @DisplayName("after the first listing: the marketplace shows it, and never the password")
    void afterTheFirstListing() throws Exception {
        var credential = owner.post(url("/instances/" + database + "/credentials"), "{\"kind\":\"CREATED\","
                + "\"displayName\":\"app\",\"environment\":\"prod\",\"username\":\"app\",\"password\":\""
                + secret + "\"}");
        assertThat(credential.statusCode()).as(credential.body()).isEqualTo(201);
        var listed = owner.post(url("/instances/" + database + "/listing"), "");
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);

        openDashboard();

        awaitLoadedWithoutErrors();
        await().atMost(PAGE_WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(rows("marketplace")).hasSize(1);
            assertThat(text("marketplace")).contains("db " + database).contains("prod: 1");
        });
        assertThat(browser.driver().getPageSource()).doesNotContain(secret);
        assertNoErrors();
        screenshot("dashboard-listed.png");
    }

    @Test
    @Order(4)
    @DisplayName("a click on an instance opens its detail with its events from every service")
    void clickIntoAnInstance() throws Exception {
        openDashboard();
        awaitLoadedWithoutErrors();

        await().atMost(PAGE_WAIT).ignoreExceptions().untilAsserted(() -> {
            browser.driver().findElement(By.cssSelector("#fleet tr[data-instance='" + database + "']")).click();
            assertThat(text("detail-hint")).contains(database);
            assertThat(rows("history").size()).isGreaterThan(3);
            assertThat(text("history")).contains("InstanceAccepted").contains("InstanceReady")
                    .contains("ListingAdded");
        });
        assertThat(text("detail-body")).contains("POSTGRESQL").contains("TLS required");
        assertThat(browser.driver().getPageSource()).doesNotContain(secret);
        assertNoErrors();
        screenshot("dashboard-detail.png");
    }

    @Test
    @Order(5)
    @DisplayName("each service's Swagger UI renders its operations")
    void swaggerUiRenders() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String service : List.of("provisioning-service", "failover-service", "backup-service",
                "marketplace-service")) {
            String page = null;
            for (String path : List.of("/swagger-ui", "/swagger-ui/index.html")) {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(plane.url(service, path)))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    page = plane.url(service, path);
                    break;
                }
            }
            assertThat(page).as("%s serves Swagger UI at /swagger-ui or /swagger-ui/index.html", service)
                    .isNotNull();
            browser.open(page);
            await().atMost(PAGE_WAIT).ignoreExceptions().untilAsserted(() -> assertThat(
                    browser.driver().findElements(By.cssSelector(".swagger-ui .opblock"))).as(service)
                    .isNotEmpty());
            assertThat(browser.newConsoleErrors()).as("errors in the browser console on %s", page).isEmpty();
            if (service.equals("marketplace-service")) {
                screenshot("swagger-ui.png");
            }
        }
    }
}
