package io.servent.p2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.MuxedStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Over a 50 ms round trip the receive window must grow, or throughput is capped at window / RTT. */
@Timeout(120)
class YamuxAutoTuneTest {
    private static final Duration ONE_WAY = Duration.ofMillis(25);

    private record Result(double megabytesPerSecond, long window) {}

    @Test
    void theReceiveWindowGrowsOnALongLinkAndLiftsThroughput() throws Exception {
        Result tuned = transfer(YamuxConfig.defaults(), 64L << 20);
        Result fixed = transfer(YamuxConfig.defaults().withMaxStreamWindow(256 * 1024), 4L << 20);
        System.out.printf(
                "50 ms RTT: auto-tuned window grew to %d KiB, %.1f MB/s; fixed 256 KiB window: %.1f MB/s"
                        + " (bound 256 KiB / 50 ms = %.1f MB/s)%n",
                tuned.window() / 1024,
                tuned.megabytesPerSecond(),
                fixed.megabytesPerSecond(),
                256 * 1024 / 0.050 / 1e6);
        assertThat(fixed.window()).isEqualTo(256 * 1024);
        assertThat(fixed.megabytesPerSecond()).isLessThan(256 * 1024 / 0.050 / 1e6 * 1.1);
        assertThat(tuned.window()).isGreaterThanOrEqualTo(4L << 20);
        assertThat(tuned.megabytesPerSecond()).isGreaterThan(5 * fixed.megabytesPerSecond());
    }

    private static Result transfer(YamuxConfig config, long total) throws Exception {
        try (YamuxPair pair =
                YamuxPair.open(config, config, YamuxPair.BUFFER, end -> new DelayedSecureConnection(end, ONE_WAY))) {
            // The RTT sample that tuning relies on.
            assertThat(pair.client.ping()).isGreaterThanOrEqualTo(ONE_WAY.multipliedBy(2));
            MuxedStream client = pair.client.openStream();
            CompletableFuture<Result> sink = CompletableFuture.supplyAsync(() -> {
                try {
                    YamuxStream server = (YamuxStream) pair.serverEvents.accept();
                    byte[] buffer = new byte[256 * 1024];
                    long received = 0;
                    long start = System.nanoTime();
                    int n;
                    while ((n = server.in().read(buffer)) >= 0) {
                        received += n;
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    assertThat(received).isEqualTo(total);
                    return new Result(received / seconds / 1e6, server.receiveWindowSize());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] chunk = new byte[256 * 1024];
            for (long sent = 0; sent < total; sent += chunk.length) {
                client.out().write(chunk);
            }
            client.closeWrite();
            return sink.get(60, TimeUnit.SECONDS);
        }
    }
}
