package io.servent.p2p.multistream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.ProtocolNotSupportedException;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.TransportListener;
import io.servent.p2p.testing.MemoryNetwork;
import io.servent.p2p.testing.MemoryTransport;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Dialer against listener over in-memory connections, with real threads on both ends. */
@Timeout(60)
class MultistreamPipeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final MemoryTransport transport = new MemoryTransport(new MemoryNetwork());
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final RawConnection dialer;
    private final RawConnection listener;

    MultistreamPipeTest() throws Exception {
        TransportListener bound = transport.listen(Multiaddr.parse("/memory/0"));
        Future<RawConnection> accepted = threads.submit(bound::accept);
        dialer = transport.dial(bound.address(), WAIT);
        listener = accepted.get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void tearDown() throws IOException {
        dialer.close();
        listener.close();
        transport.close();
        threads.shutdownNow();
    }

    private Future<String> handleInBackground(Set<String> supported) {
        return threads.submit(() -> Multistream.handle(listener.in(), listener.out(), supported));
    }

    @Test
    void theFirstCommonProtocolIsSelected() throws Exception {
        Future<String> handled = handleInBackground(Set.of("/yamux/1.0.0", "/mplex/6.7.0"));

        String selected = Multistream.select(dialer.in(), dialer.out(), List.of("/yamux/1.0.0", "/mplex/6.7.0"));

        assertThat(selected).isEqualTo("/yamux/1.0.0");
        assertThat(handled.get(10, TimeUnit.SECONDS)).isEqualTo("/yamux/1.0.0");
    }

    @Test
    void theDialerFallsBackAfterNa() throws Exception {
        Future<String> handled = handleInBackground(Set.of("/noise"));

        String selected = Multistream.select(dialer.in(), dialer.out(), List.of("/tls/1.0.0", "/noise"));

        assertThat(selected).isEqualTo("/noise");
        assertThat(handled.get(10, TimeUnit.SECONDS)).isEqualTo("/noise");
    }

    @Test
    void noCommonProtocolFailsTheDialerAndTellsTheListenerWhy() throws Exception {
        Future<String> handled = handleInBackground(Set.of("/noise"));

        assertThatThrownBy(
                        () -> Multistream.select(dialer.in(), dialer.out(), List.of("/tls/1.0.0", "/plaintext/2.0.0")))
                .isInstanceOf(ProtocolNotSupportedException.class)
                .hasMessageContaining("/tls/1.0.0");
        dialer.close();

        assertThatThrownBy(() -> handled.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("'/tls/1.0.0', '/plaintext/2.0.0'");
    }

    @Test
    void protocolBytesWrittenRightAfterNegotiationArriveIntact() throws Exception {
        int size = 1024 * 1024;
        byte[] fromDialer = new byte[size];
        byte[] fromListener = new byte[size];
        new SplittableRandom(1).nextBytes(fromDialer);
        new SplittableRandom(2).nextBytes(fromListener);
        Future<byte[]> listenerSide = threads.submit(() -> {
            Multistream.handle(listener.in(), listener.out(), Set.of("/echo/1.0.0"));
            // Reply at once, before reading: the dialer may still be inside select.
            listener.out().write(fromListener);
            return listener.in().readNBytes(size);
        });

        Multistream.select(dialer.in(), dialer.out(), List.of("/nope/1.0.0", "/echo/1.0.0"));
        Future<?> writing = threads.submit(() -> {
            dialer.out().write(fromDialer);
            return null;
        });
        byte[] received = dialer.in().readNBytes(size);
        writing.get(10, TimeUnit.SECONDS);

        assertThat(sha256(received)).isEqualTo(sha256(fromListener));
        assertThat(sha256(listenerSide.get(10, TimeUnit.SECONDS))).isEqualTo(sha256(fromDialer));
    }

    @Test
    void manyNegotiationsInARowOnFreshConnections() throws Exception {
        for (int i = 0; i < 200; i++) {
            TransportListener bound = transport.listen(Multiaddr.parse("/memory/0"));
            Future<RawConnection> accepted = threads.submit(bound::accept);
            RawConnection d = transport.dial(bound.address(), WAIT);
            RawConnection l = accepted.get(10, TimeUnit.SECONDS);
            String wanted = "/proto/" + (i % 7);
            Future<String> handled =
                    threads.submit(() -> Multistream.handle(l.in(), l.out(), p -> p.startsWith("/proto/"), List.of()));
            assertThat(Multistream.select(d.in(), d.out(), List.of("/other", wanted)))
                    .isEqualTo(wanted);
            assertThat(handled.get(10, TimeUnit.SECONDS)).isEqualTo(wanted);
            d.close();
            l.close();
            bound.close();
        }
    }

    @Test
    void aSilentDialerTimesOutTheListener() throws Exception {
        List<Duration> timeoutsSet = new CopyOnWriteArrayList<>();
        Multistream.ReadTimeout recording = t -> {
            timeoutsSet.add(t);
            listener.setReadTimeout(t);
        };
        long start = System.nanoTime();

        assertThatThrownBy(() -> Multistream.handle(
                        listener.in(),
                        listener.out(),
                        Set.of("/noise")::contains,
                        Set.of(),
                        recording,
                        Duration.ofMillis(300)))
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessage("multistream negotiation did not finish within PT0.3S");

        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(290), Duration.ofSeconds(5));
        assertThat(timeoutsSet).first().isEqualTo(Duration.ofMillis(300));
        assertThat(timeoutsSet).last().isEqualTo(Duration.ZERO);
    }

    @Test
    void aDialerDrippingBytesCannotStretchTheDeadline() throws Exception {
        // Each byte comes well within a per-read timeout; only a whole-negotiation deadline stops it.
        Future<?> drip = threads.submit(() -> {
            byte[] header = MultistreamMessage.encode(Multistream.PROTOCOL_ID);
            byte[] slow = MultistreamMessage.encode("/" + "z".repeat(500));
            dialer.out().write(header);
            for (byte b : slow) {
                dialer.out().write(b);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            return null;
        });
        long start = System.nanoTime();

        assertThatThrownBy(() -> Multistream.handle(
                        listener.in(),
                        listener.out(),
                        p -> true,
                        Set.of(),
                        listener::setReadTimeout,
                        Duration.ofMillis(400)))
                .isInstanceOf(SocketTimeoutException.class);

        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(390), Duration.ofSeconds(3));
        drip.cancel(true);
    }

    @Test
    void theDialerDeadlineCoversTheWholeExchangeAndIsClearedAfter() throws Exception {
        Future<String> handled = handleInBackground(Set.of("/noise"));

        String selected = Multistream.select(
                dialer.in(), dialer.out(), List.of("/noise"), dialer::setReadTimeout, Duration.ofSeconds(5));

        assertThat(selected).isEqualTo("/noise");
        assertThat(handled.get(10, TimeUnit.SECONDS)).isEqualTo("/noise");
        // The timeout was cleared: a read now waits past the old deadline's scale without failing.
        Future<Integer> read = threads.submit(() -> dialer.in().read());
        listener.out().write(42);
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(42);
    }

    private static String sha256(byte[] data) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
