package io.datastores.kit.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class StateSerdeTest {

    public record Node(String id, Instant heardAt, long position) {
    }

    public record State(String id, List<Node> nodes, Map<String, Long> counts, Instant since, Long optional) {
    }

    /** The same state with a field more: a later version's. */
    public record Later(String id, List<Node> nodes, Map<String, Long> counts, Instant since, Long optional,
            String added) {
    }

    private final StateSerde<State> serde = new StateSerde<>(State.class);
    private final State state = new State("i-1", List.of(new Node("n1", Instant.parse("2026-12-04T10:00:00.123Z"),
            42), new Node("n2", null, -1)), Map.of("b", 2L, "a", 1L), Instant.parse("2026-12-04T09:00:00Z"), null);

    @Test
    void writesBinaryThatReadsBackEqual() {
        byte[] bytes = serde.serializer().serialize("t", state);
        assertThat(StateSerde.isCbor(bytes)).isTrue();
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(state);
    }

    @Test
    void readsTheJsonTextEarlierVersionsWrote() {
        byte[] json = new JsonSerde<>(State.class).serializer().serialize("t", state);
        assertThat(serde.deserializer().deserialize("t", json)).isEqualTo(state);
        byte[] byHand = ("{\"id\":\"i-1\",\"nodes\":[],\"counts\":{},\"since\":\"2026-12-04T09:00:00Z\","
                + "\"gone\":true}").getBytes(StandardCharsets.UTF_8);
        assertThat(serde.deserializer().deserialize("t", byHand).since())
                .isEqualTo(Instant.parse("2026-12-04T09:00:00Z"));
    }

    @Test
    void aLaterVersionsFieldIsSkippedAndAMissingOneReadsAsAbsent() {
        byte[] later = new StateSerde<>(Later.class).serializer().serialize("t", new Later("i-1", List.of(),
                Map.of(), null, 7L, "new"));
        assertThat(serde.deserializer().deserialize("t", later)).isEqualTo(new State("i-1", List.of(), Map.of(),
                null, 7L));
        byte[] earlier = serde.serializer().serialize("t", state);
        assertThat(new StateSerde<>(Later.class).deserializer().deserialize("t", earlier).added()).isNull();
    }

    @Test
    void isSmallerThanTheText() {
        assertThat(serde.serializer().serialize("t", state).length)
                .isLessThan(new JsonSerde<>(State.class).serializer().serialize("t", state).length);
    }

    @Test
    void refusesBytesThatAreNeitherWithTheReason() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {(byte) 0xD9, (byte) 0xD9,
                (byte) 0xF7, 0x01})).isInstanceOf(SerializationException.class).hasMessageContaining("State");
    }
}
