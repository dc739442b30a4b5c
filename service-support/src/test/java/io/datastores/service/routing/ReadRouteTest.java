package io.datastores.service.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.datastores.service.routing.ReadRoute.Forward;
import io.datastores.service.routing.ReadRoute.Host;
import io.datastores.service.routing.ReadRoute.Local;
import io.datastores.service.routing.ReadRoute.Owner;

class ReadRouteTest {

    private static final Host A = new Host("127.0.0.1", 8091);
    private static final Host B = new Host("127.0.0.1", 8191);
    private static final Host C = new Host("127.0.0.1", 8291);

    private static Optional<Owner> owner(Host active, Host... standbys) {
        return Optional.of(new Owner(Optional.ofNullable(active), List.of(standbys), 3));
    }

    @Test
    void theActiveHolderAnswersHere() {
        assertThat(ReadRoute.plan(owner(A, B), Optional.of(A), Optional.empty(), false)).containsExactly(new Local(false, 3));
    }

    @Test
    void anotherHolderIsAskedThenItsStandbys() {
        assertThat(ReadRoute.plan(owner(B, A), Optional.of(A), Optional.empty(), false))
                .containsExactly(new Forward(B, false), new Local(true, 3));
        assertThat(ReadRoute.plan(owner(B, C), Optional.of(A), Optional.empty(), false))
                .containsExactly(new Forward(B, false), new Forward(C, true));
    }

    @Test
    void withoutAnActiveHolderTheStandbysAnswer() {
        assertThat(ReadRoute.plan(owner(null, A), Optional.of(A), Optional.empty(), false)).containsExactly(new Local(true, 3));
        assertThat(ReadRoute.plan(owner(null, B), Optional.of(A), Optional.empty(), false))
                .containsExactly(new Forward(B, true));
    }

    @Test
    void aRoutedRequestIsAnsweredHereAndNeverRoutedAgain() {
        assertThat(ReadRoute.plan(owner(B), Optional.of(A), Optional.of(false), false)).containsExactly(new Local(false, 3));
        assertThat(ReadRoute.plan(owner(B), Optional.of(A), Optional.of(true), false)).containsExactly(new Local(true, 3));
    }

    @Test
    void unknownHoldersWhileRebalancingAnswerNowhere() {
        assertThat(ReadRoute.plan(Optional.empty(), Optional.of(A), Optional.empty(), true)).isEmpty();
        assertThat(ReadRoute.plan(Optional.empty(), Optional.empty(), Optional.empty(), true))
                .as("alone").containsExactly(new Local(false, -1));
        assertThat(ReadRoute.plan(owner(B, A), Optional.of(A), Optional.empty(), true))
                .as("known holders").containsExactly(new Forward(B, false), new Local(true, 3));
    }

    @Test
    void unknownHoldersOrAnInstanceThatDoesNotAdvertiseItselfAnswerHere() {
        assertThat(ReadRoute.plan(Optional.empty(), Optional.of(A), Optional.empty(), false)).containsExactly(new Local(false, -1));
        assertThat(ReadRoute.plan(owner(B), Optional.empty(), Optional.empty(), false)).containsExactly(new Local(false, -1));
        assertThat(ReadRoute.plan(owner(null), Optional.of(A), Optional.empty(), false)).containsExactly(new Local(false, -1));
    }
}
