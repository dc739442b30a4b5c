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

    @Test
    void aMomentNotedOnlyEarlierIsNeverLaterThanTheKeysSoItNeverHidesADueKey() {
        DueIndex index = new DueIndex();
        index.setEarlier("a", 100L);
        index.setEarlier("a", 300L); // later: kept at 100, set right when 100 comes
        assertThat(index.mayBeDue("a", 99)).isFalse();
        assertThat(index.mayBeDue("a", 100)).isTrue();
        index.setEarlier("a", 50L);
        assertThat(index.mayBeDue("a", 50)).isTrue();
        assertThat(index.dueBy(60)).containsExactly("a");
        index.set("a", 300L); // the timer run found it not due and set it right
        assertThat(index.dueBy(299)).isEmpty();
        assertThat(index.mayBeDue("a", 299)).isFalse();
        index.setEarlier("b", null);
        assertThat(index.mayBeDue("b", Long.MAX_VALUE)).as("never due").isFalse();
    }
}
