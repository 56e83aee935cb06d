package io.servent.p2p.host;

import static io.servent.p2p.host.TestHosts.ECHO;
import static io.servent.p2p.host.TestHosts.addressOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.ResourceLimitException;
import io.servent.p2p.api.Stream;
import io.servent.p2p.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hostile and greedy peers: each is cut off with a reason while the host keeps serving everyone else. */
@Timeout(60)
class HostDefenseTest {
    private final TestHosts hosts = new TestHosts();
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        hosts.close();
    }

    private Socket rawSocket(BasicHost host, String fromIp) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(fromIp, 0));
        socket.connect(host.listenAddresses().get(0).toTcpSocketAddress().orElseThrow(), 2000);
        return socket;
    }

    /** Reads (and discards) until the host closes the socket; fails if that takes longer than {@code within}. */
    private static void assertClosedByHost(Socket socket, Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // the host may send its multistream header first
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("host did not close the connection within " + within.toMillis() + " ms", e);
        } catch (IOException reset) {
            // a reset is a close too
        }
    }

    private static void assertStillOpen(Socket socket) throws IOException {
        socket.setSoTimeout(200);
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            while (true) {
                if (in.read(buffer) < 0) {
                    throw new AssertionError("the host closed a connection it should have kept");
                }
            }
        } catch (SocketTimeoutException expected) {
            // still open, waiting for us
        }
    }

    private static void assertServes(BasicHost host, BasicHost client) throws IOException {
        try (Stream stream = client.connect(addressOf(host)).newStream(ECHO)) {
            stream.out().write(42);
            stream.closeWrite();
            assertThat(stream.in().readAllBytes()).containsExactly(42);
        }
    }

    @Test
    void garbageOnThePortIsCutOffAndOthersAreServed() throws Exception {
        BasicHost a = hosts.start();
        Socket garbage = rawSocket(a, "127.0.0.1");
        byte[] junk = new byte[8192];
        new Random(1).nextBytes(junk);
        junk[0] = 0x13; // a plausible length prefix, then nonsense
        garbage.getOutputStream().write(junk);

        assertClosedByHost(garbage, Duration.ofSeconds(5));
        assertServes(a, hosts.start());
    }

    @Test
    void anOversizeNegotiationMessageIsCutOff() throws Exception {
        BasicHost a = hosts.start();
        Socket socket = rawSocket(a, "127.0.0.1");
        // varint 1,000,000: far beyond multistream's 1 KiB message limit
        socket.getOutputStream().write(new byte[] {(byte) 0xC0, (byte) 0x84, 0x3D});
        socket.getOutputStream().write(new byte[2048]);
        assertClosedByHost(socket, Duration.ofSeconds(5));
        assertServes(a, hosts.start());
    }

    @Test
    void aStalledHandshakeIsCutOffAtTheUpgradeDeadline() throws Exception {
        BasicHost a = hosts.start(c -> c.withUpgradeTimeout(Duration.ofMillis(500)));
        Socket silent = rawSocket(a, "127.0.0.1");
        long start = System.nanoTime();
        assertClosedByHost(silent, Duration.ofSeconds(5));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertServes(a, hosts.start());
    }

    @Test
    void aSharedTimerCutsOffStalledHandshakesAndOutlivesTheHost() throws Exception {
        ScheduledExecutorService shared = Executors.newSingleThreadScheduledExecutor();
        try {
            BasicHost a = hosts.start(BasicHost.builder(Ed25519PrivateKey.generate())
                    .config(HostConfig.defaults()
                            .withListenAddresses(List.of(TestHosts.LOOPBACK))
                            .withUpgradeTimeout(Duration.ofMillis(500)))
                    .sharedTimer(shared));
            assertClosedByHost(rawSocket(a, "127.0.0.1"), Duration.ofSeconds(3));
            assertServes(a, hosts.start());
            a.close();
            assertThat(shared.isShutdown())
                    .as("the host leaves a shared timer to its owner")
                    .isFalse();
        } finally {
            shared.shutdownNow();
        }
    }

    @Test
    void pendingHandshakesAreBounded() throws Exception {
        BasicHost a = hosts.start(c -> c.withLimits(c.limits().withMaxPendingHandshakes(3)));
        List<Socket> silent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            silent.add(rawSocket(a, "127.0.0.1"));
        }
        Await.until(Duration.ofSeconds(5), () -> a.liveThreadCount() >= 4, "three upgrades in progress");
        Socket oneTooMany = rawSocket(a, "127.0.0.1");
        assertClosedByHost(oneTooMany, Duration.ofSeconds(2));
        for (Socket s : silent) {
            assertStillOpen(s);
        }
    }

    @Test
    void inboundConnectionsPerIpAreBoundedPerSourceAddress() throws Exception {
        BasicHost a = hosts.start(c -> c.withLimits(c.limits().withMaxInboundConnectionsPerIp(2)));
        Socket first = rawSocket(a, "127.0.0.2");
        Socket second = rawSocket(a, "127.0.0.2");
        Socket third = rawSocket(a, "127.0.0.2");
        Socket other = rawSocket(a, "127.0.0.3");

        assertClosedByHost(third, Duration.ofSeconds(2));
        assertStillOpen(first);
        assertStillOpen(second);
        assertStillOpen(other);
    }

    @Test
    void aPeerOverItsStreamLimitIsRefusedAndAFloodClosesTheConnection() throws Exception {
        BasicHost a = hosts.start(c -> c.withLimits(c.limits().withMaxStreamsPerPeer(4)));
        a.setStreamHandler("/test/hold/1.0.0", stream -> stream.in().readAllBytes());
        BasicHost b = hosts.start();
        Connection connection = b.connect(addressOf(a));
        List<Stream> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(connection.newStream("/test/hold/1.0.0"));
        }
        Await.until(Duration.ofSeconds(5), () -> a.streamCount(b.peerId()) == 4, "four streams held at a");
        assertThatThrownBy(() -> connection.newStream("/test/hold/1.0.0")).isInstanceOf(IOException.class);

        for (int i = 0; i < 200 && connection.isOpen(); i++) {
            try {
                connection.newStream(ECHO).reset();
            } catch (IOException refused) {
                // expected: each one is refused
            }
        }
        Await.until(Duration.ofSeconds(5), () -> !connection.isOpen(), "the flooding connection is closed");
        assertServes(a, hosts.start());
    }

    @Test
    void connectionsPerPeerAreBoundedOnTheDialingSide() throws Exception {
        BasicHost a = hosts.start();
        BasicHost b = hosts.start(c -> c.withLimits(c.limits().withMaxConnectionsPerPeer(1)));
        b.connect(addressOf(a));
        // A bare address (no /p2p/) always dials anew; the second connection to the same peer is refused.
        assertThatThrownBy(() -> b.connect(a.listenAddresses().get(0)))
                .isInstanceOf(ResourceLimitException.class)
                .hasMessageContaining("maxConnectionsPerPeer = 1");
        assertThat(b.connections(a.peerId())).hasSize(1);
    }

    @Test
    void trimsToTheLowWatermarkAndSparesProtectedPeers() throws Exception {
        BasicHost hub = hosts.start(c -> c.withWatermarks(2, 3).withGracePeriod(Duration.ZERO));
        BasicHost favourite = hosts.start();
        hub.protect(favourite.peerId(), "test");
        favourite.connect(addressOf(hub));
        Await.until(Duration.ofSeconds(5), () -> hub.connections().size() == 1, "favourite connected");
        for (int i = 0; i < 4; i++) {
            hosts.start().connect(addressOf(hub));
        }
        Await.until(Duration.ofSeconds(10), () -> hub.connections().size() <= 3, "hub trimmed");
        assertThat(hub.connections(favourite.peerId())).hasSize(1);
    }

    @Test
    void closingAHostEndsItsThreadsAndConnections() throws Exception {
        BasicHost a = hosts.start();
        a.setStreamHandler("/test/hold/1.0.0", stream -> stream.in().readAllBytes());
        BasicHost b = hosts.start();
        Connection connection = b.connect(addressOf(a));
        Stream held = connection.newStream("/test/hold/1.0.0");
        Await.until(Duration.ofSeconds(5), () -> a.liveThreadCount() >= 2, "handler running");

        a.close();

        assertThat(a.liveThreadCount()).isZero();
        assertThat(a.connections()).isEmpty();
        Await.until(Duration.ofSeconds(5), () -> !connection.isOpen(), "b sees the connection end");
        assertThatThrownBy(() -> held.in().read()).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> a.connect(addressOf(b)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
    }
}
