package io.datastores.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The pure parts of the real-data-plane figures: gaps between acknowledgements, losses, PSS, medians. */
class RealFiguresTest {

    private static final String ROLLUP = """
            55d4c1a2e000-7ffd1b9f4000 ---p 00000000 00:00 0                          [rollup]
            Rss:               23456 kB
            Pss:                8123 kB
            Pss_Anon:           1024 kB
            Pss_File:           2048 kB
            Pss_Shmem:          5051 kB
            Shared_Clean:      12000 kB
            """;

    @Test
    void theLongestGapIsBetweenConsecutiveAcknowledgements() {
        List<Long> acks = List.of(0L, 2_000_000L, 4_000_000L, 3_504_000_000L, 3_505_000_000L);
        assertThat(WriteRecord.longestGapMillis(acks)).isEqualTo(3_500.0);
        assertThat(WriteRecord.longestGapMillis(List.of(5L))).isZero();
    }

    @Test
    void aCommitIsLostWhenAcknowledgedButAbsent() {
        assertThat(WriteRecord.lost(List.of(1L, 2L, 3L, 5L), Set.of(1L, 3L, 4L, 5L))).containsExactly(2L);
        assertThat(WriteRecord.lost(List.of(1L, 2L), Set.of(1L, 2L, 3L))).isEmpty();
    }

    @Test
    void medianAndWorst() {
        assertThat(WriteRecord.median(List.of(9.0, 1.0, 5.0))).isEqualTo(5.0);
        assertThat(WriteRecord.median(List.of(4.0, 1.0, 2.0, 8.0))).isEqualTo(3.0);
        assertThat(WriteRecord.worst(List.of(9.0, 1.0, 5.0))).isEqualTo(9.0);
        assertThatThrownBy(() -> WriteRecord.median(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pssIsReadFromTheRollupAndSummedOverProcesses() {
        assertThat(Pss.parseKiB(ROLLUP)).isEqualTo(8123);
        assertThat(Pss.sumKiB(List.of(ROLLUP, ROLLUP.replace("8123", "77")))).isEqualTo(8200);
        assertThatThrownBy(() -> Pss.parseKiB("Rss: 1 kB\n")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theParentPidIsReadPastTheProcessName() {
        assertThat(Pss.parentPid("4321 (postgres: walwriter ) S 4300 4300 4300 0 -1 4194368")).isEqualTo(4300);
    }
}
