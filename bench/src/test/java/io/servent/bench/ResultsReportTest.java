package io.servent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ResultsReportTest {
    private static final long GIB = 1L << 30;

    @Test
    void theTargetsTableComparesTheMediansMeasuredInTheRun() {
        BenchResults r = new BenchResults();
        r.aeadProvider = "CONSCRYPT";
        r.aead.add(new BenchResults.Aead("CONSCRYPT", "seal", 1600e6 / AeadBenchmark.PLAINTEXT, 1));
        r.aead.add(new BenchResults.Aead("CONSCRYPT", "open", 1500e6 / AeadBenchmark.PLAINTEXT, 1));
        r.aead.add(new BenchResults.Aead("JDK", "seal", 400e6 / AeadBenchmark.PLAINTEXT, 1));
        for (double seconds : new double[] {1.0, 1.5, 2.0}) {
            // servent: 1 GiB in 1.5 s (median) = 716 MB/s; js: three times slower.
            r.transfers("servent upload").add(new BenchResults.Transfer(GIB, seconds, 1, 1, 0.5));
            r.transfers("js upload").add(new BenchResults.Transfer(GIB, 3 * seconds, 3, 3, 0.5));
            r.transfers("servent download").add(new BenchResults.Transfer(GIB, seconds, 1, 1, 0.5));
            r.transfers("js download").add(new BenchResults.Transfer(GIB, 3 * seconds, 3, 3, 0.5));
        }
        r.serventSetup.add(5);
        r.jsSetup.add(10);
        r.serventSetupCpu.add(4);
        r.jsSetupCpu.add(8);
        r.heapBefore = 10 << 20;
        r.heapAfter = (10 << 20) + 1000 * 8 * 1024;
        r.idleConnections = 1000;

        r.loadAtStart = "0.50, 0.40, 0.30";
        r.loadAtEnd = "0.60, 0.40, 0.30";
        r.cores = 2;
        String markdown = ResultsReport.render(r);

        assertThat(r.aeadLimit())
                .as("the slower direction of the provider in use")
                .isEqualTo(1500, within());
        assertThat(markdown)
                .contains("| upload throughput ≥ 2× js-libp2p (wall clock) | 716 | 239 (js) | 3.00 | yes |")
                .contains("| upload throughput ≥ 50% of the AEAD's single-core limit | 716 | 1500")
                .contains("| setup median ≤ js-libp2p's | 5.00 | 10.00 (js) | 0.50 | yes |")
                .contains("| heap per idle connection ≤ 64 KiB | 8.0 KiB | 64 KiB | 0.13 | yes |")
                .doesNotContain("exceeded");
    }

    @Test
    void aLoadAboveTheCoreCountIsFlagged() {
        BenchResults r = new BenchResults();
        r.cores = 2;
        r.loadAtStart = "1.00, 1.00, 1.00";
        r.loadAtEnd = "3.10, 2.00, 1.00";
        assertThat(ResultsReport.render(r)).contains("The load average exceeded the machine's 2 cores");
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-6);
    }
}
