package io.servent.p2p.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BackoffTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void doublesFromTheInitialWaitUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 0);
        Random random = new Random(1);

        long[] waits = new long[9];
        for (int n = 1; n <= 9; n++) {
            waits[n - 1] = backoff.delayNanos(n, random) / SECOND;
        }

        assertThat(waits).containsExactly(1, 2, 4, 8, 16, 32, 60, 60, 60);
        assertThat(backoff.delayNanos(Integer.MAX_VALUE, random)).isEqualTo(60 * SECOND);
    }

    @Test
    void jitterSpreadsWaitsWithinItsBandAndNeverPastTheCap() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10), 0.2);
        Random random = new Random(7);
        Set<Long> distinct = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            long third = backoff.delayNanos(3, random); // nominal 4 s
            assertThat(third).isBetween((long) (3.2 * SECOND), (long) (4.8 * SECOND));
            distinct.add(third);
            long capped = backoff.delayNanos(20, random); // nominal 10 s, the cap
            assertThat(capped).isBetween(8 * SECOND, 10 * SECOND);
        }
        assertThat(distinct).hasSizeGreaterThan(9_000); // peers that failed together retry apart
    }

    @Test
    void checksItsValues() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 0))
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0))
                .hasMessageContaining("shorter");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 1.5))
                .hasMessageContaining("jitter");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), Double.NaN))
                .hasMessageContaining("jitter");
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 0);
        assertThatThrownBy(() -> backoff.delayNanos(0, new Random())).hasMessageContaining("at least one failure");
    }
}
