package io.servent.p2p.gossipsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Messages per second through a 10-peer mesh in one JVM on the memory transport (Yamux, and Noise or
 * plaintext), every peer subscribed and publishing, StrictSign (one signature and nine verifications
 * per message). Add {@code -Dservent.ed25519=jdk} to measure with the JDK's Ed25519. Publishers keep a bounded number of messages in flight, so the rate is what the mesh
 * sustains with every message delivered. Runs only when asked:
 * {@code mvn -pl p2p/gossipsub -am verify -Dservent.measure=true -Dtest=GossipsubThroughputTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Timeout(600)
class GossipsubThroughputTest {
    private static final String TOPIC = "throughput";
    private static final int PEERS = 10;
    private static final int PAYLOAD = 256;
    private static final int IN_FLIGHT = 200;

    @ParameterizedTest(name = "plaintext={0}")
    @ValueSource(booleans = {true, false})
    @EnabledIfSystemProperty(named = "servent.measure", matches = "true")
    void messagesPerSecondThroughATenPeerMesh(boolean plaintext) throws Exception {
        try (GossipsubHosts net = new GossipsubHosts(plaintext)) {
            List<Gossipsub> peers = net.gossipsubs(PEERS, GossipsubConfig.defaults());
            net.connectAll();
            AtomicLong delivered = new AtomicLong();
            for (Gossipsub g : peers) {
                g.subscribe(TOPIC, m -> delivered.incrementAndGet());
            }
            Await.until(
                    Duration.ofSeconds(60),
                    () -> peers.stream().allMatch(g -> g.meshPeers(TOPIC).size() >= 4),
                    "every mesh has formed");

            run(peers, delivered, 2_000); // warm-up: JIT, windows, caches
            int messages = Integer.getInteger("servent.measure.messages", 20_000);
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            run(peers, delivered, messages);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
            double rate = messages / seconds;
            long dropped =
                    peers.stream().mapToLong(g -> g.stats().rpcsDropped()).sum();
            System.out.printf(
                    "gossipsub %s: %,d messages of %d bytes through %d peers in %.2f s: %,.0f messages/s,"
                            + " %,.0f deliveries/s; %,.0f messages per CPU-second on %d cores (%d RPCs dropped)%n",
                    plaintext ? "plaintext+yamux" : "noise+yamux",
                    messages,
                    PAYLOAD,
                    PEERS,
                    seconds,
                    rate,
                    rate * (PEERS - 1),
                    messages / cpuSeconds,
                    Runtime.getRuntime().availableProcessors(),
                    dropped);
            assertThat(rate).isPositive();
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Every peer publishes its share, keeping at most {@code IN_FLIGHT} messages undelivered overall. */
    private static void run(List<Gossipsub> peers, AtomicLong delivered, int messages) throws Exception {
        long base = delivered.get();
        AtomicLong published = new AtomicLong();
        List<Thread> publishers = new ArrayList<>();
        for (Gossipsub g : peers) {
            publishers.add(Thread.ofVirtual().start(() -> {
                byte[] payload = new byte[PAYLOAD];
                for (int i = 0; i < messages / PEERS; i++) {
                    while ((published.get() * (PEERS - 1)) - (delivered.get() - base)
                            > (long) IN_FLIGHT * (PEERS - 1)) {
                        LockSupport.parkNanos(50_000);
                    }
                    payload[0] = (byte) i;
                    g.publish(TOPIC, payload);
                    published.incrementAndGet();
                }
            }));
        }
        for (Thread t : publishers) {
            t.join();
        }
        long expected = base + (long) messages * (PEERS - 1);
        Await.until(Duration.ofSeconds(120), () -> delivered.get() >= expected, "every message is delivered");
    }
}
