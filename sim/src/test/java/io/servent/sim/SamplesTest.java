package io.servent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SamplesTest {
    @Test
    void nearestRankPercentiles() {
        Samples s = new Samples(1000);
        for (int i = 100; i >= 1; i--) {
            s.add(i);
        }
        assertThat(s.percentile(50)).isEqualTo(50);
        assertThat(s.percentile(90)).isEqualTo(90);
        assertThat(s.percentile(99)).isEqualTo(99);
        assertThat(s.percentile(100)).isEqualTo(100);
        assertThat(s.mean()).isEqualTo(50.5);
    }

    @Test
    void boundedAndEmptySafe() {
        Samples s = new Samples(2);
        assertThat(s.percentiles().format("ms")).isEqualTo("n/a");
        s.add(1);
        s.add(2);
        s.add(3);
        assertThat(s.count()).isEqualTo(2);
        assertThat(s.dropped()).isEqualTo(1);
    }
}
