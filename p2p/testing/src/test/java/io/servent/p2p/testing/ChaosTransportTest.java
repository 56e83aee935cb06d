package io.servent.p2p.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.TransportListener;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ChaosTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Multiaddr ANY = Multiaddr.parse("/memory/0");
    private static final long SEED = 20240611L;

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        threads.shutdownNow();
    }

    /** A host: a chaos-wrapped memory transport listening on a fresh id. */
    private record Node(ChaosTransport transport, TransportListener listener) {
        Multiaddr address() {
            return listener.address();
        }
    }

    private Node node(MemoryNetwork network, Chaos chaos) throws IOException {
        ChaosTransport transport = chaos.wrap(new MemoryTransport(network));
        closeables.add(transport);
        return new Node(transport, transport.listen(ANY));
    }

    /** Dials {@code to} from {@code from}: [0] the dialer's end, [1] the listener's. */
    private RawConnection[] connect(Node from, Node to) throws Exception {
        Future<RawConnection> accepted = threads.submit(to.listener()::accept);
        RawConnection dialed = from.transport().dial(to.address(), WAIT);
        RawConnection[] pair = {dialed, accepted.get(10, TimeUnit.SECONDS)};
        closeables.add(pair[0]);
        closeables.add(pair[1]);
        return pair;
    }

    private static Duration roundTrip(RawConnection[] pair) throws IOException {
        long start = System.nanoTime();
        pair[0].out().write(1);
        pair[0].out().flush();
        int b = pair[1].in().read();
        pair[1].out().write(b);
        pair[1].out().flush();
        assertThat(pair[0].in().read()).isEqualTo(1);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void latencyDelaysEachDirection() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        Chaos chaos = new Chaos(SEED, ChaosConfig.defaults().withLatency(Duration.ofMillis(60)));
        RawConnection[] pair = connect(node(network, chaos), node(network, chaos));

        Duration slow = roundTrip(pair);
        chaos.update(ChaosConfig.defaults());
        Duration fast = roundTrip(pair);

        System.out.printf(
                "chaos: round trip %d ms with 60 ms latency, %d µs without%n", slow.toMillis(), fast.toNanos() / 1000);
        assertThat(slow).isBetween(Duration.ofMillis(120), Duration.ofSeconds(3));
        assertThat(fast).isLessThan(slow);
    }

    @Test
    void bandwidthCapPacesATransfer() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        Chaos chaos = new Chaos(SEED, ChaosConfig.defaults().withBandwidth(4_000_000));
        RawConnection[] pair = connect(node(network, chaos), node(network, chaos));
        int total = 2_000_000;

        long start = System.nanoTime();
        Future<String> sent = threads.submit(() -> Transfers.writeRandom(pair[0].out(), total, 1));
        String received = Transfers.readExactly(pair[1].in(), total, 2);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        System.out.printf("chaos: 2 MB at a 4 MB/s cap took %d ms%n", elapsed.toMillis());
        assertThat(received).isEqualTo(sent.get(10, TimeUnit.SECONDS));
        assertThat(elapsed).isBetween(Duration.ofMillis(450), Duration.ofSeconds(5));
    }

    @Test
    void jitterAndStallsKeepOrderAndIntegrity() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        Chaos chaos = new Chaos(
                SEED,
                ChaosConfig.defaults()
                        .withLatency(Duration.ofMillis(1))
                        .withJitter(Duration.ofMillis(5))
                        .withStalls(0.05, Duration.ofMillis(20)));
        RawConnection[] pair = connect(node(network, chaos), node(network, chaos));
        long total = 16L * 1024 * 1024;

        Future<String> sent = threads.submit(() -> {
            String sha = Transfers.writeRandom(pair[0].out(), total, 3);
            pair[0].close(); // chunks still queued are delivered before the end-of-stream
            return sha;
        });
        Transfers.Digest received = Transfers.readAll(pair[1].in(), 4);

        assertThat(received.bytes()).isEqualTo(total);
        assertThat(received.sha256()).isEqualTo(sent.get(10, TimeUnit.SECONDS));
    }

    @Test
    void closeDeliversChunksStillInFlight() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        Chaos chaos = new Chaos(SEED, ChaosConfig.defaults().withLatency(Duration.ofMillis(100)));
        RawConnection[] pair = connect(node(network, chaos), node(network, chaos));

        long start = System.nanoTime();
        pair[0].out().write(new byte[] {7, 8, 9});
        pair[0].close();
        assertThatThrownBy(() -> pair[0].in().read()).isInstanceOf(IOException.class);

        assertThat(pair[1].in().readAllBytes()).containsExactly(7, 8, 9);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        Await.until(WAIT, () -> chaos.openConnections() == 1, "only the listener's end is still open");
    }

    @Test
    void closingGivesUpOnAPeerThatNeverReads() throws Exception {
        MemoryNetwork network = new MemoryNetwork(64 * 1024, 16);
        Chaos chaos = new Chaos(SEED, ChaosConfig.defaults().withLatency(Duration.ofMillis(10)));
        chaos.linger(Duration.ofMillis(200));
        RawConnection[] pair = connect(node(network, chaos), node(network, chaos));
        // Fills the 64 KiB pipe and leaves more queued; the peer never reads.
        pair[0].out().write(new byte[256 * 1024]);
        Background<Integer> localReader = Background.start(() -> pair[0].in().read());
        Await.until(WAIT, localReader::isBlocked, "the local reader blocks");

        long start = System.nanoTime();
        pair[0].close();
        assertThat(localReader.isDone()).isFalse(); // still delivering, as a socket lingers

        // The local end is torn down once the linger passes, waking its reader.
        assertThat(localReader.failure(WAIT)).isInstanceOf(IOException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        Await.until(WAIT, () -> chaos.openConnections() == 1, "the closed end is gone");
    }

    @Test
    void theQueueIsBoundedAndCloseWakesABlockedWriter() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        Chaos chaos = new Chaos(
                SEED, ChaosConfig.defaults().withLatency(Duration.ofSeconds(30)).withMaxQueuedBytes(64 * 1024));
        RawConnection[] pair = connect(node(network, chaos), node(network, chaos));
        AtomicLong written = new AtomicLong();
        Background<Void> writer = Background.start(() -> {
            byte[] kib = new byte[1024];
            while (true) {
                pair[0].out().write(kib);
                written.addAndGet(kib.length);
            }
        });
        Await.until(WAIT, () -> written.get() == 64 * 1024 && writer.isBlocked(), "the writer blocks on a full queue");

        ((ChaosConnection) pair[0]).kill("test");

        assertThat(writer.failure(WAIT)).isInstanceOf(IOException.class).hasMessageContaining("killed by chaos: test");
        assertThat(pair[1].in().read()).isEqualTo(-1); // the queued 64 KiB were discarded
    }

    @Test
    void dropsKillConnectionsDeterministicallyForASeed() throws Exception {
        long first = bytesBeforeDrop(SEED);
        long second = bytesBeforeDrop(SEED);

        System.out.printf("chaos: seed %d dropped the connection after %d KiB%n", SEED, first / 1024);
        assertThat(first).isEqualTo(second).isPositive();
    }

    private long bytesBeforeDrop(long seed) throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        Chaos chaos = new Chaos(seed, ChaosConfig.defaults().withDropProbability(0.01));
        RawConnection[] pair = connect(node(network, chaos), node(network, chaos));
        Future<Long> drained =
                threads.submit(() -> Transfers.readAll(pair[1].in(), 5).bytes());
        byte[] kib = new byte[1024];
        long written = 0;
        try {
            while (true) {
                pair[0].out().write(kib);
                written += kib.length;
            }
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("dropped by chaos");
        }
        // The other end sees the connection end too.
        assertThat(drained.get(10, TimeUnit.SECONDS)).isEqualTo(written);
        return written;
    }

    @Test
    void partitionsKillConnectionsAndRefuseDialsUntilHealed() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        Chaos chaos = new Chaos(SEED);
        Node a = node(network, chaos);
        Node b = node(network, chaos);
        Node c = node(network, chaos);
        RawConnection[] ab = connect(a, b);
        RawConnection[] cb = connect(c, b);

        chaos.partition(Set.of(a.address()), Set.of(b.address(), c.address()));

        // Both ends are chaos connections, so both were killed, like a reset.
        assertThatThrownBy(() -> ab[0].in().read()).hasMessageContaining("killed by chaos: partitioned");
        assertThatThrownBy(() -> ab[1].out().write(1)).hasMessageContaining("killed by chaos: partitioned");
        assertThat(roundTrip(cb)).isLessThan(WAIT); // c and b are on the same side
        long start = System.nanoTime();
        assertThatThrownBy(() -> a.transport().dial(b.address(), WAIT))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("partition");
        assertThatThrownBy(() -> b.transport().dial(a.address(), WAIT)).isInstanceOf(ConnectException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

        chaos.heal();
        assertThat(roundTrip(connect(a, b))).isLessThan(WAIT);
    }

    @Test
    void aPartitionedListenerRefusesInboundConnectionsFromPlainTransports() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        Chaos chaos = new Chaos(SEED);
        Node b = node(network, chaos);
        MemoryTransport plain = new MemoryTransport(network);
        closeables.add(plain);
        Multiaddr plainAddress = plain.listen(ANY).address();
        MemoryTransport other = new MemoryTransport(network);
        closeables.add(other);
        chaos.partition((x, y) -> x.equals(plainAddress));

        Background<RawConnection> accept = Background.start(b.listener()::accept);
        RawConnection refused = plain.dial(b.address(), WAIT);
        assertThat(refused.in().read()).isEqualTo(-1);
        Await.until(WAIT, accept::isBlocked, "accept keeps waiting after refusing");

        RawConnection admitted = other.dial(b.address(), WAIT);
        RawConnection inbound = accept.get(WAIT);
        assertThat(inbound.remoteAddress()).isEqualTo(admitted.localAddress());
        admitted.close();
        inbound.close();
    }

    @Test
    void configRejectsNonsense() {
        assertThatThrownBy(() -> ChaosConfig.defaults().withDropProbability(1.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChaosConfig.defaults().withLatency(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChaosConfig.defaults().withMaxQueuedBytes(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChaosConfig.defaults().withStalls(Double.NaN, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
