package io.servent.p2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.MuxedStream;
import io.servent.p2p.api.SecureConnection;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Throughput over loopback TCP without encryption, printed next to plain TCP through the same
 * buffered adapter measured in the same run (the machine is shared, so the ratio is what compares).
 */
@Timeout(180)
class YamuxThroughputTest {
    private static final int CHUNK = 256 * 1024;
    private static final byte[] DATA = new byte[CHUNK];

    static {
        new Random(3).nextBytes(DATA);
    }

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
    }

    @Test
    void singleStream() throws Exception {
        try (YamuxPair pair = YamuxPair.open()) {
            transfer(pair, 1, 64L << 20); // warm-up
            double best = 0;
            double baseline = 0;
            for (int round = 0; round < 3; round++) {
                double yamux = transfer(pair, 1, 256L << 20);
                double tcp = plainTcp(256L << 20);
                System.out.printf("single stream 256 MiB: yamux %.0f MB/s, plain TCP %.0f MB/s%n", yamux, tcp);
                best = Math.max(best, yamux);
                baseline = Math.max(baseline, tcp);
            }
            System.out.printf(
                    "single stream best: yamux %.0f MB/s = %.2f of plain TCP (%.0f MB/s)%n",
                    best, best / baseline, baseline);
            assertThat(best).isGreaterThan(50);
        }
    }

    @Test
    void manyStreams() throws Exception {
        try (YamuxPair pair = YamuxPair.open()) {
            transfer(pair, 16, 64L << 20); // warm-up
            for (int streams : new int[] {16, 128}) {
                double best = 0;
                for (int round = 0; round < 2; round++) {
                    best = Math.max(best, transfer(pair, streams, 512L << 20));
                }
                System.out.printf("%d concurrent streams, 512 MiB in total: yamux %.0f MB/s%n", streams, best);
                assertThat(best).isGreaterThan(50);
            }
        }
    }

    /** Sends {@code total} bytes split over {@code streams} streams; returns MB/s. */
    private double transfer(YamuxPair pair, int streams, long total) throws Exception {
        long perStream = total / streams;
        List<Future<Long>> sinks = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            sinks.add(threads.submit(() -> drain(pair.serverEvents.accept().in())));
        }
        long start = System.nanoTime();
        List<Future<Object>> sources = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            sources.add(threads.submit(() -> {
                MuxedStream stream = pair.client.openStream();
                fill(stream.out(), perStream);
                stream.closeWrite();
                return "sent";
            }));
        }
        for (Future<Object> source : sources) {
            source.get(120, TimeUnit.SECONDS);
        }
        long received = 0;
        for (Future<Long> sink : sinks) {
            received += sink.get(120, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(received).isEqualTo(perStream * streams);
        return received / seconds / 1e6;
    }

    private static void fill(OutputStream out, long bytes) throws Exception {
        for (long sent = 0; sent < bytes; sent += CHUNK) {
            out.write(DATA, 0, (int) Math.min(CHUNK, bytes - sent));
        }
        out.flush();
    }

    private static long drain(InputStream in) throws Exception {
        byte[] buffer = new byte[CHUNK];
        long received = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            received += n;
        }
        return received;
    }

    /** The same transfer over the same adapter (same buffers) with no muxer. */
    private double plainTcp(long total) throws Exception {
        SecureConnection[] ends = YamuxPair.connectedEnds(YamuxPair.BUFFER);
        try {
            Future<Long> sink = threads.submit(() -> drain(ends[1].in()));
            long start = System.nanoTime();
            fill(ends[0].out(), total);
            ends[0].close();
            long received = sink.get(120, TimeUnit.SECONDS);
            assertThat(received).isEqualTo(total);
            return received / ((System.nanoTime() - start) / 1e9) / 1e6;
        } finally {
            ends[1].close();
        }
    }
}
