package io.datastores.kit.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TokensTest {

    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private final Tokens tokens = new Tokens("a-test-secret-of-at-least-32-characters");

    @Test
    void aTokenNamesItsCaller() {
        String t = tokens.issue("dash", Set.of(Role.VIEWER), "acme", NOW.plusSeconds(60));
        Caller c = tokens.verify(t, NOW).caller().orElseThrow();
        assertThat(c.subject()).isEqualTo("dash");
        assertThat(c.roles()).containsExactly(Role.VIEWER);
        assertThat(c.sees("acme")).isTrue();
        assertThat(c.sees("other")).isFalse();
        assertThat(c.writes()).isFalse();
    }

    @Test
    void operatorsSeeEveryOrganization() {
        Caller c = tokens.verify(tokens.issue("ops", Set.of(Role.OPERATOR), null, NOW.plusSeconds(60)), NOW)
                .caller().orElseThrow();
        assertThat(c.sees("anyone")).isTrue();
        assertThat(c.scope()).isNull();
    }

    @Test
    void forgedExpiredAndMalformedTokensAreRefusedWithAReason() {
        String t = tokens.issue("dash", Set.of(Role.VIEWER), "acme", NOW.plusSeconds(60));
        String forged = t.substring(0, t.lastIndexOf('.')) + ".AAAA";
        assertThat(tokens.verify(forged, NOW).refusal()).isEqualTo("bad token signature");
        assertThat(new Tokens("another-secret-of-at-least-32-characters!").verify(t, NOW).refusal())
                .isEqualTo("bad token signature");
        assertThat(tokens.verify(t, NOW.plusSeconds(120)).refusal()).isEqualTo("token expired");
        assertThat(tokens.verify("Bearer xyz", NOW).refusal()).isEqualTo("not a dcp token");
        assertThat(tokens.verify("dcp1.", NOW).caller()).isEmpty();
        assertThat(tokens.verify(null, NOW).caller()).isEmpty();
    }

    @Test
    void aScopeIsRequiredUnlessOperator() {
        assertThatThrownBy(() -> tokens.issue("x", Set.of(Role.VIEWER), null, NOW)).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> new Tokens("short")).isInstanceOf(IllegalArgumentException.class);
    }
}
