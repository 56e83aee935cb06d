package io.servent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SamplesTest {
    @Test
    void percentilesUseTheNearestRank() {
        Samples s = new Samples();
        for (int i = 100; i >= 1; i--) {
            s.add(i);
        }
        assertThat(s.median()).isEqualTo(50);
        assertThat(s.percentile(99)).isEqualTo(99);
        assertThat(s.percentile(100)).isEqualTo(100);
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.max()).isEqualTo(100);
    }

    @Test
    void aSingleSampleIsEveryPercentileAndNoSamplesIsNaN() {
        Samples one = new Samples();
        one.addAll(List.of(7.0));
        assertThat(one.median()).isEqualTo(7);
        assertThat(one.percentile(99)).isEqualTo(7);
        assertThat(new Samples().median()).isNaN();
    }
}
