package io.datastores.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.datastores.contract.Topics;

class EventFileTest {

    @TempDir
    Path dir;

    private List<EventFile.Outgoing> read(String json) throws IOException {
        Path file = dir.resolve("events.json");
        Files.writeString(file, json);
        return EventFile.read(file, Topics.INSTANCE_REQUESTS);
    }

    @Test
    void plainJsonBecomesAValidEnvelopeWithDefaultsAndMetadata() throws IOException {
        List<EventFile.Outgoing> out = read("""
                {"type": "InstanceRequested", "event": {"requestId": "r1", "organizationId": "org",
                  "instanceId": "i-1", "displayName": "orders", "engine": "POSTGRESQL", "cloud": "AWS",
                  "region": "us-east-1", "plan": "BUSINESS-4"}}
                {"type": "InstanceDeletionRequested", "key": "i-1",
                  "event": {"requestId": "r2", "organizationId": "org", "instanceId": "i-1"},
                  "metadata": {"correlationId": "c-7", "occurredAt": "2026-11-22T10:00:00Z"}}
                """);
        assertThat(out).hasSize(2);
        GenericRecord first = out.get(0).envelope();
        assertThat(out.get(0).key()).isEqualTo("i-1");
        assertThat(((GenericRecord) first.get("payload")).get("tlsRequired")).isEqualTo(true);
        assertThat(((GenericRecord) first.get("metadata")).get("producer")).isEqualTo("dcp");
        GenericRecord secondMeta = (GenericRecord) out.get(1).envelope().get("metadata");
        assertThat(secondMeta.get("correlationId")).isEqualTo("c-7");
        assertThat(secondMeta.get("occurredAt")).isEqualTo(1_795_341_600_000L);
        assertThat(org.apache.avro.generic.GenericData.get().validate(Topics.INSTANCE_REQUESTS.valueSchema(), first))
                .isTrue();
    }

    @Test
    void problemsNameTheirPath() {
        assertThatThrownBy(() -> read("{\"type\": \"InstanceRequested\", \"event\": {\"requestId\": \"r\"}}"))
                .hasMessageContaining("#1.event.organizationId").hasMessageContaining("required");
        assertThatThrownBy(() -> read("{\"type\": \"NodeHeartbeat\", \"event\": {}}"))
                .hasMessageContaining("#1.type").hasMessageContaining("InstanceRequested");
        assertThatThrownBy(() -> read("""
                {"type": "InstanceRequested", "event": {"requestId": "r1", "organizationId": "org",
                  "instanceId": "i-1", "displayName": "orders", "engine": "ORACLE", "cloud": "AWS",
                  "region": "us-east-1", "plan": "BUSINESS-4"}}
                """)).hasMessageContaining("#1.event.engine").hasMessageContaining("POSTGRESQL");
    }

    @Test
    void tailPrintsWhatPublishReads() throws IOException {
        GenericRecord envelope = read("""
                {"type": "AllowlistChangeRequested", "event": {"requestId": "r", "organizationId": "o",
                  "instanceId": "i-2", "allowlist": ["10.0.0.0/8"]}}
                """).get(0).envelope();
        GenericRecord payload = (GenericRecord) envelope.get("payload");
        assertThat(PlainJson.fromAvro(payload, payload.getSchema()).toString())
                .isEqualTo("{\"requestId\":\"r\",\"organizationId\":\"o\",\"instanceId\":\"i-2\","
                        + "\"allowlist\":[\"10.0.0.0/8\"]}");
    }
}
