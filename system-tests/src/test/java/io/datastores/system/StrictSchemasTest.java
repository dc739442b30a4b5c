package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;

import io.datastores.testkit.ProjectLayout;

/**
 * The contract test's checks, mutation-tested without a server: against marketplace-service's
 * generated OpenAPI document, the page of listings validates as served, and each way of breaking its
 * serialization (the list left out when empty, a field renamed, a field of another type) fails.
 */
class StrictSchemasTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LISTING = "{\"instanceId\":\"i-1\",\"organizationId\":\"acme\",\"displayName\":\"orders\","
            + "\"engine\":\"POSTGRESQL\",\"plan\":\"BUSINESS-4\",\"cloud\":\"AWS\",\"region\":\"us-east-1\","
            + "\"listed\":true,\"deleted\":false,\"credentialsByEnvironment\":{\"prod\":[\"root\"]},"
            + "\"activeConnections\":1,\"connectionsEver\":1,\"updatedAt\":\"2026-12-04T10:00:00Z\"}";
    private Schema page;

    @BeforeEach
    void readTheDocument() throws IOException {
        Path file = ProjectLayout.module("marketplace-service").resolve("target/classes/META-INF/swagger/openapi.json");
        JsonNode document = JSON.readTree(Files.readString(file));
        page = new StrictSchemas().of(document, JSON.readTree("{\"$ref\": \"#/components/schemas/MarketplaceController.Page\"}"));
    }

    private boolean valid(String body) {
        return page.validate(body, InputFormat.JSON).isEmpty();
    }

    @Test
    void aPageAsServedValidates() {
        assertThat(valid("{\"items\":[],\"page\":0,\"size\":50,\"total\":0}")).isTrue();
        assertThat(valid("{\"items\":[" + LISTING + "],\"page\":0,\"size\":50,\"total\":1}")).isTrue();
    }

    @Test
    void anEmptyListLeftOutFails() {
        // the defect a user met first: the dashboard read `items` of {"page":0,"size":50,"total":0}
        assertThat(valid("{\"page\":0,\"size\":50,\"total\":0}")).isFalse();
    }

    @Test
    void aRenamedFieldFails() {
        assertThat(valid("{\"items\":[" + LISTING.replace("\"instanceId\"", "\"instanceID\"")
                + "],\"page\":0,\"size\":50,\"total\":1}")).isFalse();
    }

    @Test
    void aFieldOfAnotherTypeFails() {
        assertThat(valid("{\"items\":[" + LISTING.replace("\"listed\":true", "\"listed\":\"yes\"")
                + "],\"page\":0,\"size\":50,\"total\":1}")).isFalse();
        assertThat(valid("{\"items\":[],\"page\":\"0\",\"size\":50,\"total\":0}")).isFalse();
    }
}
