package io.servent.p2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.MuxedStream;
import io.servent.p2p.api.SecureConnection;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Heap held by an idle Yamux connection (both threads parked, nothing buffered), measured as the
 * difference over hundreds of real loopback connections with and without the muxer on top.
 */
@Timeout(120)
class YamuxIdleMemoryTest {
    private static final int PAIRS = 300;

    @Test
    void anIdleConnectionHoldsLittleHeap() throws Exception {
        List<SecureConnection[]> ends = new ArrayList<>();
        List<YamuxPair> pairs = new ArrayList<>();
        try {
            for (int i = 0; i < PAIRS; i++) {
                ends.add(YamuxPair.connectedEnds(0));
            }
            long sockets = usedHeap();
            for (SecureConnection[] pair : ends) {
                pairs.add(YamuxPair.start(pair[0], pair[1], YamuxConfig.defaults(), YamuxConfig.defaults()));
            }
            for (YamuxPair pair : pairs) {
                Await.until(
                        "the first RTT sample",
                        Duration.ofSeconds(10),
                        () -> pair.client.rtt().isPositive()
                                && pair.server.rtt().isPositive());
            }
            long fresh = usedHeap();
            // Use every connection once (a stream each way, closed), then let it idle again.
            for (YamuxPair pair : pairs) {
                MuxedStream stream = pair.client.openStream();
                stream.out().write(new byte[100]);
                stream.closeWrite();
                MuxedStream accepted = pair.serverEvents.accept();
                accepted.in().readAllBytes();
                accepted.out().write(new byte[100]);
                accepted.close();
                stream.in().readAllBytes();
                stream.close();
            }
            for (YamuxPair pair : pairs) {
                Await.until(
                        "streams to end",
                        Duration.ofSeconds(10),
                        () -> pair.client.streamCount() == 0 && pair.server.streamCount() == 0);
            }
            long used = usedHeap();
            double perFresh = (fresh - sockets) / (2.0 * PAIRS);
            double perUsed = (used - sockets) / (2.0 * PAIRS);
            System.out.printf(
                    "heap per idle yamux connection (one side, over the plain socket): %.0f bytes fresh, %.0f bytes"
                            + " after one stream%n",
                    perFresh, perUsed);
            assertThat(perFresh).isLessThan(16 * 1024);
            assertThat(perUsed).isLessThan(16 * 1024);
        } finally {
            pairs.forEach(YamuxPair::close);
            for (SecureConnection[] pair : ends) {
                pair[0].close();
                pair[1].close();
            }
        }
    }

    private static long usedHeap() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long previous = Long.MAX_VALUE;
        long used = 0;
        // Collect until the figure settles.
        for (int i = 0; i < 10; i++) {
            System.gc();
            used = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < 64 * 1024) {
                break;
            }
            previous = used;
        }
        return used;
    }
}
