package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.datastores.contract.Topics;
import io.datastores.events.BillingEventEnvelope;
import io.datastores.events.Cloud;
import io.datastores.events.Engine;
import io.datastores.events.EventMetadata;
import io.datastores.events.InstanceRequestEnvelope;
import io.datastores.events.InstanceRequested;
import io.datastores.events.OrganizationTier;
import io.datastores.events.OrganizationTierChanged;
import io.datastores.kit.serde.ContractSerdes;

/** What the system tests do as other platform services would: billing, requests, HTTP reads. */
final class Platform {

    private final String bootstrap;
    private final ContractSerdes serdes;
    private final HttpClient http = HttpClient.newHttpClient();

    Platform(String bootstrap, ContractSerdes serdes) {
        this.bootstrap = bootstrap;
        this.serdes = serdes;
    }

    static EventMetadata meta(String producer) {
        String id = UUID.randomUUID().toString();
        return new EventMetadata(id, id, null, Instant.now(), producer);
    }

    static InstanceRequestEnvelope request(String org, String instanceId, String plan, Engine engine) {
        return new InstanceRequestEnvelope(meta("it"), InstanceRequested.newBuilder().setRequestId("req-" + instanceId)
                .setOrganizationId(org).setInstanceId(instanceId).setDisplayName("db " + instanceId).setEngine(engine)
                .setCloud(Cloud.AWS).setRegion("us-east-1").setPlan(plan).build());
    }

    KafkaProducer<String, InstanceRequestEnvelope> requests() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), serdes.value(Topics.INSTANCE_REQUESTS).serializer());
    }

    /** Billing says {@code org} pays; waits until provisioning knows. */
    void pays(String org, ControlPlane plane) throws Exception {
        try (var billing = new KafkaProducer<String, BillingEventEnvelope>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(),
                serdes.value(Topics.BILLING_EVENTS).serializer())) {
            billing.send(new ProducerRecord<>(Topics.BILLING_EVENTS.name(), org, new BillingEventEnvelope(
                    meta("billing"), new OrganizationTierChanged(org, OrganizationTier.PAID)))).get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                get(plane.url("provisioning-service", "/organizations/" + org)).body()).contains("\"tier\":\"PAID\""));
    }

    /** The token requests carry: an operator's unless a test says otherwise. */
    private String token = ControlPlane.token(null);

    Platform as(String bearerToken) {
        Platform p = new Platform(bootstrap, serdes);
        p.token = bearerToken;
        return p;
    }

    HttpResponse<String> delete(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> put(String url, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String url, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
