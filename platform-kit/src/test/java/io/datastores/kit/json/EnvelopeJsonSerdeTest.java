package io.datastores.kit.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import io.datastores.kit.decider.Envelope;
import io.datastores.kit.decider.EventMeta;

class EnvelopeJsonSerdeTest {

    sealed interface Command {
        sealed interface Request extends Command {
            String requestId();
        }

        record Ask(String requestId, List<String> items, Instant until) implements Request {
        }

        record Tick(String key) implements Command {
        }
    }

    private final EnvelopeJsonSerde<Command> serde = new EnvelopeJsonSerde<>(Command.class);
    private final EventMeta meta = new EventMeta("e-1", "c-1", null, Instant.parse("2026-11-22T10:00:00Z"), "test");

    @Test
    void recordsRoundTripThroughNestedSealedInterfaces() {
        for (Command c : List.of(new Command.Ask("r-1", List.of("a", "b"), Instant.EPOCH), new Command.Tick("k"))) {
            Envelope<Command> in = new Envelope<>(meta, c);
            byte[] bytes = serde.serializer().serialize("t", in);
            assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(in);
        }
    }

    @Test
    void anUnknownTypeIsAClearError() {
        byte[] bytes = "{\"meta\":{},\"type\":\"Nope\",\"body\":{}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", bytes))
                .isInstanceOf(SerializationException.class).hasMessageContaining("Nope");
    }
}
