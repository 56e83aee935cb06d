package io.servent.p2p.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.TransportListener;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MemoryTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Multiaddr ANY = Multiaddr.parse("/memory/0");

    private final MemoryNetwork network = new MemoryNetwork();
    private final MemoryTransport server = new MemoryTransport(network);
    private final MemoryTransport client = new MemoryTransport(network);
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void tearDown() {
        server.close();
        client.close();
        threads.shutdownNow();
    }

    /** A connected pair: [0] the dialer's end, [1] the listener's. */
    private RawConnection[] connect() throws Exception {
        TransportListener listener = server.listen(ANY);
        Future<RawConnection> accepted = threads.submit(listener::accept);
        RawConnection dialed = client.dial(listener.address(), WAIT);
        return new RawConnection[] {dialed, accepted.get(10, TimeUnit.SECONDS)};
    }

    @Test
    void sixtyFourMebibytesArriveInOrderAndIntact() throws Exception {
        RawConnection[] pair = connect();
        long total = 64L * 1024 * 1024;
        long start = System.nanoTime();
        Future<String> sent = threads.submit(() -> {
            String sha = Transfers.writeRandom(pair[0].out(), total, 42);
            pair[0].close();
            return sha;
        });
        Transfers.Digest received = Transfers.readAll(pair[1].in(), 7);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("memory pipe: 64 MiB in %.3f s = %.0f MB/s%n", seconds, total / seconds / 1e6);

        assertThat(received.bytes()).isEqualTo(total);
        assertThat(received.sha256()).isEqualTo(sent.get(10, TimeUnit.SECONDS));
    }

    @Test
    void bothDirectionsCarryDataAtOnce() throws Exception {
        RawConnection[] pair = connect();
        long total = 8L * 1024 * 1024;
        // Each side writes more than a pipe holds before it reads: this deadlocks unless both
        // directions are independent.
        Future<String> aSent = threads.submit(() -> Transfers.writeRandom(pair[0].out(), total, 1));
        Future<String> bSent = threads.submit(() -> Transfers.writeRandom(pair[1].out(), total, 2));
        Future<String> aGot = threads.submit(() -> Transfers.readExactly(pair[0].in(), total, 3));
        Future<String> bGot = threads.submit(() -> Transfers.readExactly(pair[1].in(), total, 4));

        assertThat(bGot.get(20, TimeUnit.SECONDS)).isEqualTo(aSent.get(20, TimeUnit.SECONDS));
        assertThat(aGot.get(20, TimeUnit.SECONDS)).isEqualTo(bSent.get(20, TimeUnit.SECONDS));
    }

    @Test
    void rawThroughput() throws Exception {
        RawConnection[] pair = connect();
        long total = 1L << 30;
        int chunk = 64 * 1024;
        long start = System.nanoTime();
        Future<?> writer = threads.submit(() -> {
            byte[] data = new byte[chunk];
            for (long sent = 0; sent < total; sent += chunk) {
                pair[0].out().write(data);
            }
            return null;
        });
        byte[] buffer = new byte[chunk];
        long received = 0;
        while (received < total) {
            received += pair[1].in().read(buffer);
        }
        writer.get(10, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("memory pipe, 64 KiB writes: 1 GiB in %.3f s = %.0f MB/s%n", seconds, total / seconds / 1e6);
        assertThat(received).isEqualTo(total);
    }

    @Test
    void writesBlockWhenThePipeIsFullAndResumeWhenRead() throws Exception {
        RawConnection[] pair = connect();
        AtomicLong written = new AtomicLong();
        Background<Void> writer = Background.start(() -> {
            byte[] kib = new byte[1024];
            while (true) {
                pair[0].out().write(kib);
                written.addAndGet(kib.length);
            }
        });
        int capacity = MemoryNetwork.DEFAULT_PIPE_CAPACITY;
        Await.until(
                WAIT,
                () -> written.get() == capacity && writer.isBlocked(),
                "the writer blocks with exactly the pipe's capacity written");

        assertThat(pair[1].in().readNBytes(1024)).hasSize(1024);
        Await.until(WAIT, () -> written.get() == capacity + 1024, "the writer resumes for the freed kibibyte");
        Await.until(WAIT, writer::isBlocked, "the writer blocks again");
        assertThat(written.get()).isEqualTo(capacity + 1024);
    }

    @Test
    void readTimesOutAndTheConnectionStaysUsable() throws Exception {
        RawConnection[] pair = connect();
        pair[1].setReadTimeout(Duration.ofMillis(150));

        long start = System.nanoTime();
        assertThatThrownBy(() -> pair[1].in().read()).isInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(140), Duration.ofSeconds(5));

        pair[0].out().write(new byte[] {1, 2, 3});
        assertThat(pair[1].in().readNBytes(3)).containsExactly(1, 2, 3);

        pair[1].setReadTimeout(Duration.ZERO);
        Background<Integer> waiting = Background.start(() -> pair[1].in().read());
        Await.until(WAIT, waiting::isBlocked, "the untimed read blocks");
        pair[0].out().write(9);
        assertThat(waiting.get(WAIT)).isEqualTo(9);
    }

    @Test
    void closingTheDialerLetsTheListenerDrainThenReadEndOfStream() throws Exception {
        assertCloseSemantics(0, 1);
    }

    @Test
    void closingTheListenerLetsTheDialerDrainThenReadEndOfStream() throws Exception {
        assertCloseSemantics(1, 0);
    }

    private void assertCloseSemantics(int closer, int other) throws Exception {
        RawConnection[] pair = connect();
        pair[closer].out().write(new byte[] {10, 20, 30});
        pair[closer].close();
        pair[closer].close(); // idempotent

        assertThat(pair[other].in().readNBytes(10)).containsExactly(10, 20, 30);
        assertThat(pair[other].in().read()).isEqualTo(-1);
        assertThatThrownBy(() -> pair[other].out().write(1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed by the remote end");
        assertThatThrownBy(() -> pair[closer].in().read())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> pair[closer].out().write(1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void remoteCloseWakesABlockedReaderAndABlockedWriter() throws Exception {
        RawConnection[] pair = connect();
        // More than the listener → dialer pipe holds, so the listener's writer blocks.
        Background<Void> writer = Background.start(() -> {
            pair[1].out().write(new byte[MemoryNetwork.DEFAULT_PIPE_CAPACITY + 1]);
            return null;
        });
        Background<Integer> reader = Background.start(() -> pair[1].in().read());
        Await.until(WAIT, () -> writer.isBlocked() && reader.isBlocked(), "the writer and the reader block");

        pair[0].close();

        assertThat(writer.failure(WAIT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed by the remote end");
        assertThat(reader.get(WAIT)).isEqualTo(-1);
    }

    @Test
    void localCloseWakesABlockedReaderAndABlockedWriter() throws Exception {
        RawConnection[] pair = connect();
        Background<Integer> reader = Background.start(() -> pair[0].in().read());
        Background<Void> writer = Background.start(() -> {
            pair[0].out().write(new byte[MemoryNetwork.DEFAULT_PIPE_CAPACITY + 1]);
            return null;
        });
        Await.until(WAIT, () -> reader.isBlocked() && writer.isBlocked(), "the reader and the writer block");

        pair[0].close();

        assertThat(reader.failure(WAIT)).isInstanceOf(IOException.class).hasMessage("connection closed");
        assertThat(writer.failure(WAIT)).isInstanceOf(IOException.class).hasMessage("connection closed");
        // What the writer managed to buffer is still delivered before end-of-stream.
        assertThat(pair[1].in().readAllBytes()).hasSize(MemoryNetwork.DEFAULT_PIPE_CAPACITY);
    }

    @Test
    void closingTheListenerUnblocksAcceptAndRefusesLaterDials() throws Exception {
        TransportListener listener = server.listen(ANY);
        Background<RawConnection> accept = Background.start(listener::accept);
        Await.until(WAIT, accept::isBlocked, "accept blocks");

        listener.close();

        assertThat(accept.failure(WAIT)).isInstanceOf(IOException.class).hasMessageContaining("is closed");
        assertThatThrownBy(() -> client.dial(listener.address(), WAIT)).isInstanceOf(ConnectException.class);
        assertThat(network.listenerCount()).isZero();
    }

    @Test
    void connectionsNotYetAcceptedAreClosedWithTheListener() throws Exception {
        TransportListener listener = server.listen(ANY);
        RawConnection dialed = client.dial(listener.address(), WAIT);

        listener.close();

        assertThat(dialed.in().read()).isEqualTo(-1);
    }

    @Test
    void dialingAnUnknownIdFailsFastWithAClearMessage() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.dial(Multiaddr.parse("/memory/987654321"), Duration.ofSeconds(30)))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("nothing listens on /memory/987654321");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void idZeroAllocatesDistinctIdsAndTakenIdsAreRefused() throws Exception {
        TransportListener a = server.listen(ANY);
        TransportListener b = server.listen(ANY);
        assertThat(a.address()).isNotEqualTo(b.address());
        assertThat(MemoryNetwork.id(a.address()).orElseThrow()).isPositive();

        TransportListener fixed = server.listen(Multiaddr.parse("/memory/18446744073709551615"));
        assertThat(fixed.address().toString()).isEqualTo("/memory/18446744073709551615");
        assertThatThrownBy(() -> client.listen(fixed.address()))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("already in use");
        fixed.close();
        client.listen(fixed.address()).close(); // free again
    }

    @Test
    void separateNetworksDoNotSeeEachOther() throws Exception {
        TransportListener listener = server.listen(Multiaddr.parse("/memory/77"));
        MemoryTransport elsewhere = new MemoryTransport(new MemoryNetwork());
        assertThatThrownBy(() -> elsewhere.dial(listener.address(), WAIT)).isInstanceOf(ConnectException.class);
        elsewhere.listen(Multiaddr.parse("/memory/77")).close(); // the same id is free there
    }

    @Test
    void aListeningTransportDialsFromItsListenAddress() throws Exception {
        TransportListener serverListener = server.listen(ANY);
        TransportListener clientListener = client.listen(ANY);
        Future<RawConnection> accepted = threads.submit(serverListener::accept);
        RawConnection dialed = client.dial(serverListener.address().withPeerId(somePeer()), WAIT);
        RawConnection inbound = accepted.get(10, TimeUnit.SECONDS);

        assertThat(dialed.localAddress()).isEqualTo(clientListener.address());
        assertThat(dialed.remoteAddress()).isEqualTo(serverListener.address());
        assertThat(inbound.remoteAddress()).isEqualTo(clientListener.address());
        assertThat(inbound.localAddress()).isEqualTo(serverListener.address());
    }

    @Test
    void dialsOnlyMemoryAddresses() {
        assertThat(client.canDial(Multiaddr.parse("/memory/5"))).isTrue();
        assertThat(client.canDial(Multiaddr.parse("/memory/5").withPeerId(somePeer())))
                .isTrue();
        assertThat(client.canDial(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"))).isFalse();
        assertThat(client.canListen(Multiaddr.parse("/memory/5/tcp/1"))).isFalse();
    }

    @Test
    void closingTheTransportClosesItsListeners() throws Exception {
        TransportListener listener = server.listen(ANY);
        server.close();
        assertThatThrownBy(listener::accept).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> server.listen(ANY)).isInstanceOf(IOException.class);
        assertThat(network.listenerCount()).isZero();
    }

    @Test
    void aFullBacklogMakesDialsWaitThenFail() throws Exception {
        MemoryNetwork small = new MemoryNetwork(1024, 2);
        MemoryTransport transport = new MemoryTransport(small);
        TransportListener listener = transport.listen(ANY);
        transport.dial(listener.address(), WAIT);
        transport.dial(listener.address(), WAIT);

        assertThatThrownBy(() -> transport.dial(listener.address(), Duration.ofMillis(100)))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("backlog");
        listener.accept();
        transport.dial(listener.address(), Duration.ofMillis(100)); // room again
        transport.close();
    }

    @Test
    void thousandsOfIdleConnectionsAreCheap() throws Exception {
        TransportListener listener = server.listen(ANY);
        int count = 5000;
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long before = runtime.totalMemory() - runtime.freeMemory();
        List<RawConnection> connections = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RawConnection dialed = client.dial(listener.address(), WAIT);
            RawConnection accepted = listener.accept();
            dialed.out().write(i & 0xFF);
            assertThat(accepted.in().read()).isEqualTo(i & 0xFF);
            connections.add(dialed);
            connections.add(accepted);
        }
        System.gc();
        long perConnection = (runtime.totalMemory() - runtime.freeMemory() - before) / count;
        System.out.printf("memory transport: ~%d bytes of heap per idle connection pair%n", perConnection);
        // Far below the 512 KiB two full pipes would take.
        assertThat(perConnection).isLessThan(64 * 1024);
        connections.forEach(c -> {
            try {
                c.close();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    private static io.servent.p2p.api.PeerId somePeer() {
        return io.servent.p2p.api.Ed25519PrivateKey.generate().publicKey().peerId();
    }
}
