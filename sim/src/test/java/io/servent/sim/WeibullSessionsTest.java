package io.servent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WeibullSessionsTest {
    @Test
    void gammaMatchesFactorials() {
        assertThat(WeibullSessions.gamma(5)).isCloseTo(24, within(1e-9));
        assertThat(WeibullSessions.gamma(0.5)).isCloseTo(Math.sqrt(Math.PI), within(1e-9));
    }

    @Test
    void samplesHaveTheRequestedMedianAndMean() {
        WeibullSessions sessions = WeibullSessions.withMedian(0.6, Duration.ofMinutes(30));
        assertThat(sessions.median().toSeconds()).isCloseTo(1800, within(1L));
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        double[] minutes = new double[40_000];
        double sum = 0;
        for (int i = 0; i < minutes.length; i++) {
            minutes[i] = sessions.sample(random).toNanos() / 6e10;
            sum += minutes[i];
        }
        Arrays.sort(minutes);
        assertThat(minutes[minutes.length / 2]).as("median, seed %d", seed).isCloseTo(30, within(1.5));
        // Mean = scale × Γ(1 + 1/0.6) ≈ 83 min: the long tail makes it far above the median.
        assertThat(sessions.mean().toSeconds() / 60.0).isCloseTo(83.0, within(1.0));
        assertThat(sum / minutes.length).as("mean, seed %d", seed).isCloseTo(83.0, within(6.0));
    }

    @Test
    void churnReplacesTheRequestedShareOfPeers() {
        SimChurn churn = SimChurn.ipfsLike(Duration.ofHours(1), 60);
        // 20% per hour with a mean session of ≈ 1.38 h: ≈ 28% of the slots churn.
        assertThat(churn.churningShare()).isCloseTo(0.277, within(0.01));
        assertThat(churn.real(Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new WeibullSessions(0, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimChurn.ipfsLike(Duration.ofHours(1), 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("speedup");
    }
}
