package io.datastores.kit.streams;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DueIndexTest {

    @Test
    void answersTheKeysDueEarliestFirstAndFollowsEveryChange() {
        DueIndex index = new DueIndex();
        index.set("a", 300L);
        index.set("b", 100L);
        index.set("c", 200L);
        index.set("d", null);
        assertThat(index.dueBy(99)).isEmpty();
        assertThat(index.dueBy(200)).containsExactly("b", "c");

        index.set("b", 400L); // a heartbeat moved b's deadline
        index.set("c", null); // c owes nothing any more
        index.set("a", 300L); // unchanged
        assertThat(index.dueBy(1_000)).containsExactly("a", "b");
        assertThat(index.size()).isEqualTo(2);
    }

    @Test
    void keysDueAtTheSameMomentAreAllAnswered() {
        DueIndex index = new DueIndex();
        index.set("x", 5L);
        index.set("y", 5L);
        assertThat(index.dueBy(5)).containsExactly("x", "y");
    }
}
