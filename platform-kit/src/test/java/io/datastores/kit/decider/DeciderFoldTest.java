package io.datastores.kit.decider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class DeciderFoldTest {

    /** A counter that records the order of what it was told: fold must keep it. */
    private final Decider<String, String, String> log = new Decider<>() {
        @Override
        public String initialState() {
            return "";
        }

        @Override
        public List<String> decide(String command, String state, Instant at) {
            return List.of(command);
        }

        @Override
        public String evolve(String state, String event) {
            return state + event;
        }
    };

    @Test
    void foldsEvolveOverTheEventsInOrder() {
        assertThat(log.fold("a", List.of("b", "c", "d"))).isEqualTo("abcd");
    }

    @Test
    void foldOfNothingIsTheStateItself() {
        assertThat(log.fold("a", List.of())).isEqualTo("a");
    }
}
