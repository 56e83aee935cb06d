package io.servent.p2p.relay;

import static io.servent.p2p.relay.RelayNet.ECHO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Direction;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import io.servent.p2p.api.Stream;
import io.servent.p2p.testing.Await;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A relay and two peers in one JVM over real TCP, Noise and Yamux: A reserves on R, B dials A through R. */
@Timeout(60)
class RelayCircuitTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final RelayNet net = new RelayNet();

    @AfterEach
    void close() {
        net.close();
    }

    @Test
    void aPeerReservesAndIsReachedThroughTheRelayBothWays() throws Exception {
        RelayNet.Relay r = net.relay(RelayConfig.defaults().withLimit(RelayLimit.NONE));
        RelayNet.Peer a = net.peer();
        RelayNet.Peer b = net.peer();
        List<HostEvent> events = new CopyOnWriteArrayList<>();
        a.host().subscribe(events::add);

        Multiaddr listening = a.host().listen(r.circuit());

        assertThat(listening).isEqualTo(r.circuit());
        assertThat(a.host().advertisedAddresses()).contains(listening);
        Await.until(
                WAIT,
                () -> events.stream()
                        .anyMatch(e -> e instanceof HostEvent.LocalAddressesChanged c
                                && c.addresses().contains(listening)),
                "A announces its circuit address");
        RelayReservation reservation =
                a.transport().reservation(r.host().peerId()).orElseThrow();
        assertThat(reservation.voucherVerified()).isTrue();
        assertThat(reservation.relayAddresses()).contains(r.address());
        assertThat(reservation.limit()).isEqualTo(RelayLimit.NONE);
        assertThat(r.service().reservationExpiry(a.host().peerId())).isPresent();

        Connection toA = b.host().connect(listening.withPeerId(a.host().peerId()));

        assertThat(toA.remotePeer()).isEqualTo(a.host().peerId());
        assertThat(toA.remoteAddress().has(MultiaddrProtocol.P2P_CIRCUIT)).isTrue();
        assertThat(toA.securityProtocol()).isEqualTo("/noise");
        assertThat(toA.muxerProtocol()).isEqualTo("/yamux/1.0.0");
        assertThat(echo(toA, 300_000)).isTrue();
        Await.until(
                WAIT, () -> !a.host().connections(b.host().peerId()).isEmpty(), "A registers the relayed connection");
        Connection toB = a.host().connections(b.host().peerId()).get(0);
        assertThat(toB.direction()).isEqualTo(Direction.INBOUND);
        assertThat(toB.remoteAddress().has(MultiaddrProtocol.P2P_CIRCUIT)).isTrue();
        assertThat(echo(toB, 50_000)).isTrue();
        assertThat(r.service().circuitCount()).isEqualTo(1);

        toA.close();
        Await.until(WAIT, () -> r.service().circuitCount() == 0, "the relay closes the circuit");
        Await.until(WAIT, () -> a.host().connections(b.host().peerId()).isEmpty(), "A forgets the relayed connection");
    }

    @Test
    void relaysBulkDataAndReportsItsThroughput() throws Exception {
        RelayNet.Relay r = net.relay(RelayConfig.defaults().withLimit(RelayLimit.NONE));
        RelayNet.Peer a = net.peer();
        RelayNet.Peer b = net.peer();
        Connection direct = b.host()
                .connect(a.host().listenAddresses().get(0).withPeerId(a.host().peerId()));
        Connection relayed = b.host()
                .connect(a.host().listen(r.circuit()).withPeerId(a.host().peerId()));
        long size = 64L << 20;
        sink(direct, size); // warm-up of both paths' code
        sink(relayed, size / 4);

        double directMBps = 0;
        double relayedMBps = 0;
        for (int round = 0; round < 2; round++) { // best of two, alternating, so neither path gets all the warm-up
            directMBps = Math.max(directMBps, sink(direct, size));
            relayedMBps = Math.max(relayedMBps, sink(relayed, size));
        }

        System.out.printf(
                "relay throughput, %d MiB one way: direct %.0f MB/s, through the relay %.0f MB/s (%.2f of direct)%n",
                size >> 20, directMBps, relayedMBps, relayedMBps / directMBps);
        assertThat(relayedMBps).isPositive();
    }

    /** Uploads {@code size} bytes to the sink; returns MB/s. */
    private static double sink(Connection connection, long size) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        long start = System.nanoTime();
        try (Stream stream = connection.newStream(RelayNet.SINK)) {
            for (long sent = 0; sent < size; sent += chunk.length) {
                stream.out().write(chunk, 0, (int) Math.min(chunk.length, size - sent));
            }
            stream.out().flush();
            stream.closeWrite();
            long received = java.nio.ByteBuffer.wrap(stream.in().readNBytes(8)).getLong();
            assertThat(received).isEqualTo(size);
        }
        return size / 1e6 / ((System.nanoTime() - start) / 1e9);
    }

    @Test
    void aDataLimitCutsTheCircuit() throws Exception {
        RelayNet.Relay r = net.relay(RelayConfig.defaults().withLimit(new RelayLimit(Duration.ZERO, 64 * 1024)));
        RelayNet.Peer a = net.peer();
        RelayNet.Peer b = net.peer();
        Multiaddr listening = a.host().listen(r.circuit());
        Connection toA = b.host().connect(listening.withPeerId(a.host().peerId()));
        assertThat(a.transport()
                        .reservation(r.host().peerId())
                        .orElseThrow()
                        .limit()
                        .data())
                .isEqualTo(64 * 1024);

        assertThat(echo(toA, 1000)).isTrue();
        assertThatThrownBy(() -> echo(toA, 200_000)).isInstanceOf(IOException.class);

        Await.until(WAIT, () -> !toA.isOpen(), "the relayed connection ends");
        Await.until(WAIT, () -> r.service().circuitCount() == 0, "the relay forgets the circuit");
    }

    @Test
    void aDurationLimitCutsTheCircuit() throws Exception {
        RelayNet.Relay r = net.relay(RelayConfig.defaults().withLimit(new RelayLimit(Duration.ofSeconds(1), 0)));
        RelayNet.Peer a = net.peer();
        RelayNet.Peer b = net.peer();
        Multiaddr listening = a.host().listen(r.circuit());
        Instant start = Instant.now();
        Connection toA = b.host().connect(listening.withPeerId(a.host().peerId()));
        assertThat(echo(toA, 1000)).isTrue();

        Await.until(WAIT, () -> !toA.isOpen(), "the relayed connection ends");
        assertThat(Duration.between(start, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        Await.until(WAIT, () -> r.service().circuitCount() == 0, "the relay forgets the circuit");
    }

    @Test
    void theListenerRenewsItsReservationBeforeItExpires() throws Exception {
        RelayNet.Relay r = net.relay(RelayConfig.defaults().withReservationTtl(Duration.ofSeconds(2)));
        RelayNet.Peer a = net.peer();
        RelayNet.Peer b = net.peer();
        Multiaddr listening = a.host().listen(r.circuit());
        Instant first = r.service().reservationExpiry(a.host().peerId()).orElseThrow();

        Await.until(
                WAIT,
                () -> r.service()
                        .reservationExpiry(a.host().peerId())
                        .filter(e -> e.isAfter(first))
                        .isPresent(),
                "A renews its reservation");
        Await.until(
                WAIT,
                () -> a.transport()
                        .reservation(r.host().peerId())
                        .orElseThrow()
                        .expiry()
                        .isAfter(first),
                "A records the renewed expiry");
        Connection toA = b.host().connect(listening.withPeerId(a.host().peerId()));
        assertThat(echo(toA, 100)).isTrue();
    }

    @Test
    void listeningByTheRelaysIdAloneUsesTheAddressesTheRelayReports() throws Exception {
        RelayNet.Relay r = net.relay(RelayConfig.defaults());
        RelayNet.Peer a = net.peer();
        RelayNet.Peer b = net.peer();
        a.host().connect(r.address()); // the peerstore now knows where R is

        Multiaddr listening = a.host().listen(Multiaddr.parse("/p2p/" + r.host().peerId() + "/p2p-circuit"));

        assertThat(listening).isEqualTo(r.circuit());
        assertThat(echo(b.host().connect(listening.withPeerId(a.host().peerId())), 100))
                .isTrue();
    }

    @Test
    void aPeerWithoutAReservationIsNotReachable() throws Exception {
        RelayNet.Relay r = net.relay(RelayConfig.defaults());
        RelayNet.Peer a = net.peer();
        RelayNet.Peer b = net.peer();
        a.host().connect(r.address());

        assertThatThrownBy(() -> b.host().connect(r.circuit().encapsulate(p2p(a))))
                .isInstanceOfSatisfying(RelayStatusException.class, e -> assertThat(e.status())
                        .isEqualTo(CircuitStatus.NO_RESERVATION));
    }

    @Test
    void aReservationEndsWhenItsConnectionDoes() throws Exception {
        RelayNet.Relay r = net.relay(RelayConfig.defaults());
        RelayNet.Peer a = net.peer();
        RelayNet.Peer b = net.peer();
        a.transport().reserve(r.address());
        assertThat(r.service().reservationExpiry(a.host().peerId())).isPresent();

        a.host().disconnect(r.host().peerId());

        Await.until(WAIT, () -> r.service().reservationExpiry(a.host().peerId()).isEmpty(), "the relay drops it");
        assertThatThrownBy(() -> b.host().connect(r.circuit().encapsulate(p2p(a))))
                .isInstanceOf(RelayStatusException.class);
    }

    @Test
    void reservationsBeyondTheLimitsAreRefused() throws Exception {
        RelayNet.Relay total = net.relay(RelayConfig.defaults().withMaxReservations(1));
        RelayNet.Relay perIp = net.relay(RelayConfig.defaults().withMaxReservationsPerIp(1));
        RelayNet.Peer a = net.peer();
        RelayNet.Peer c = net.peer();

        for (RelayNet.Relay r : List.of(total, perIp)) {
            a.transport().reserve(r.address());
            a.transport().reserve(r.address()); // a renewal is not a second reservation
            assertThatThrownBy(() -> c.transport().reserve(r.address()))
                    .isInstanceOfSatisfying(RelayStatusException.class, e -> assertThat(e.status())
                            .isEqualTo(CircuitStatus.RESERVATION_REFUSED));
            assertThatThrownBy(() -> c.host().listen(r.circuit())).isInstanceOf(RelayStatusException.class);
            assertThat(c.host().listenAddresses()).hasSize(1);
            assertThat(r.service().reservationCount()).isEqualTo(1);
        }
    }

    @Test
    void circuitsBeyondThePerPeerLimitAreRefused() throws Exception {
        RelayNet.Relay r = net.relay(RelayConfig.defaults().withMaxCircuitsPerPeer(1));
        RelayNet.Peer a = net.peer();
        RelayNet.Peer b = net.peer();
        RelayNet.Peer c = net.peer();
        Multiaddr target = a.host().listen(r.circuit()).withPeerId(a.host().peerId());
        Connection first = b.host().connect(target);
        assertThat(echo(first, 10)).isTrue();

        assertThatThrownBy(() -> c.host().connect(target))
                .isInstanceOfSatisfying(RelayStatusException.class, e -> assertThat(e.status())
                        .isEqualTo(CircuitStatus.RESOURCE_LIMIT_EXCEEDED));
        first.close();
        Await.until(WAIT, () -> r.service().circuitCount() == 0, "the first circuit ends");
        assertThat(echo(c.host().connect(target), 10)).isTrue();
    }

    @Test
    void closingTheTransportWithdrawsTheAddress() throws Exception {
        RelayNet.Relay r = net.relay(RelayConfig.defaults());
        RelayNet.Peer a = net.peer();
        Multiaddr listening = a.host().listen(r.circuit());
        assertThat(a.host().listenAddresses()).contains(listening);

        a.transport().close();

        Await.until(WAIT, () -> !a.host().listenAddresses().contains(listening), "the circuit address is withdrawn");
        assertThat(a.host().protocols()).doesNotContain(CircuitRelay.STOP_PROTOCOL_ID);
    }

    static Multiaddr p2p(RelayNet.Peer peer) {
        return Multiaddr.parse("/p2p/" + peer.host().peerId());
    }

    /** Sends {@code size} random bytes on a new echo stream and checks they come back. */
    static boolean echo(Connection connection, int size) throws IOException {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        try (Stream stream = connection.newStream(ECHO)) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    stream.out().write(data);
                    stream.out().flush();
                    stream.closeWrite();
                } catch (IOException e) {
                    stream.reset();
                }
            });
            byte[] back = stream.in().readAllBytes();
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return java.util.Arrays.equals(back, data);
        }
    }
}
