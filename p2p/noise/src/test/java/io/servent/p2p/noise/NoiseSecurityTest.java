package io.servent.p2p.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.PeerIdMismatchException;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.SecureConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Two {@link NoiseSecurity} instances over real loopback TCP. */
@Timeout(120)
class NoiseSecurityTest {
    private final Ed25519PrivateKey dialerKey = Ed25519PrivateKey.generate();
    private final Ed25519PrivateKey listenerKey = Ed25519PrivateKey.generate();
    private NoiseTestPeers peers;

    @BeforeEach
    void setUp() throws IOException {
        peers = new NoiseTestPeers();
    }

    @AfterEach
    void tearDown() throws IOException {
        peers.close();
    }

    private static NoiseSecurity security(NoiseCipherProvider provider) {
        return new NoiseSecurity(NoiseConfig.defaults().withCipherProviders(List.of(provider)));
    }

    private SecureConnection[] connect(NoiseSecurity dialer, NoiseSecurity listener, RawConnection[] raw)
            throws Exception {
        Future<SecureConnection> inbound = peers.async(() -> listener.secureInbound(raw[1], listenerKey));
        SecureConnection outbound = dialer.secureOutbound(
                raw[0], dialerKey, Optional.of(listenerKey.publicKey().peerId()));
        return new SecureConnection[] {outbound, inbound.get(10, TimeUnit.SECONDS)};
    }

    @Test
    void conscryptIsPreferredWhenItLoadsHere() {
        NoiseSecurity security = new NoiseSecurity();
        assertThat(security.aeadProvider())
                .isEqualTo(
                        ConscryptChaChaPoly.instance().isPresent()
                                ? NoiseCipherProvider.CONSCRYPT
                                : NoiseCipherProvider.JDK);
        assertThat(security.protocolId()).isEqualTo("/noise");
    }

    @ParameterizedTest
    @EnumSource(NoiseCipherProvider.class)
    void handshakeProvesBothPeersAndCarriesDataBothWays(NoiseCipherProvider provider) throws Exception {
        // The listener always uses the other provider, so the two implementations must agree on the wire.
        NoiseCipherProvider other =
                provider == NoiseCipherProvider.JDK ? NoiseCipherProvider.CONSCRYPT : NoiseCipherProvider.JDK;
        SecureConnection[] c = connect(security(provider), security(other), peers.pair());
        try (SecureConnection dialer = c[0];
                SecureConnection listener = c[1]) {
            assertThat(dialer.remotePeer()).isEqualTo(listenerKey.publicKey().peerId());
            assertThat(dialer.localPeer()).isEqualTo(dialerKey.publicKey().peerId());
            assertThat(listener.remotePeer()).isEqualTo(dialerKey.publicKey().peerId());
            assertThat(listener.remotePublicKey()).isEqualTo(dialerKey.publicKey());
            assertThat(dialer.securityProtocol()).isEqualTo("/noise");
            assertThat(((NoiseSecureConnection) dialer).cipherProvider()).isEqualTo(provider);

            dialer.out().write("hello listener".getBytes(StandardCharsets.UTF_8));
            dialer.out().flush();
            assertThat(new String(listener.in().readNBytes(14), StandardCharsets.UTF_8))
                    .isEqualTo("hello listener");
            listener.out().write("hello dialer".getBytes(StandardCharsets.UTF_8));
            listener.out().flush();
            assertThat(new String(dialer.in().readNBytes(12), StandardCharsets.UTF_8))
                    .isEqualTo("hello dialer");
        }
    }

    @ParameterizedTest
    @EnumSource(NoiseCipherProvider.class)
    void sixtyFourMebibytesArriveIntact(NoiseCipherProvider provider) throws Exception {
        long seed = new Random().nextLong();
        System.out.println("sixtyFourMebibytesArriveIntact seed " + seed);
        SecureConnection[] c = connect(security(provider), security(provider), peers.pair());
        int total = 64 << 20;
        try (SecureConnection dialer = c[0];
                SecureConnection listener = c[1]) {
            Future<byte[]> sent = peers.async(() -> sendRandom(dialer.out(), total, seed, true));
            byte[] received = drain(listener.in());
            assertThat(HexFormat.of().formatHex(received))
                    .isEqualTo(HexFormat.of().formatHex(sent.get()));
        }
    }

    @Test
    void bothDirectionsAtOnce() throws Exception {
        SecureConnection[] c = connect(new NoiseSecurity(), new NoiseSecurity(), peers.pair());
        int total = 16 << 20;
        try (SecureConnection dialer = c[0];
                SecureConnection listener = c[1]) {
            Future<byte[]> up = peers.async(() -> sendRandom(dialer.out(), total, 1, false));
            Future<byte[]> down = peers.async(() -> sendRandom(listener.out(), total, 2, false));
            Future<byte[]> upReceived = peers.async(() -> digest(listener.in(), total));
            byte[] downReceived = digest(dialer.in(), total);
            assertThat(downReceived).isEqualTo(down.get());
            assertThat(upReceived.get()).isEqualTo(up.get());
        }
    }

    @Test
    void halfCloseEndsOneDirectionOnly() throws Exception {
        RawConnection[] raw = NoiseTestPeers.halfClosingPair();
        SecureConnection[] c = connect(new NoiseSecurity(), new NoiseSecurity(), raw);
        try (SecureConnection dialer = c[0];
                SecureConnection listener = c[1]) {
            dialer.out().write("request".getBytes(StandardCharsets.UTF_8));
            dialer.out().close(); // flushes the staged frame, then shuts down the TCP write side
            assertThat(new String(listener.in().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("request");
            assertThat(listener.in().read()).isEqualTo(-1);
            assertThat(listener.in().read(new byte[10], 0, 10)).isEqualTo(-1);
            assertThatThrownBy(() -> dialer.out().write(1)).isInstanceOf(IOException.class);

            listener.out().write("response".getBytes(StandardCharsets.UTF_8));
            listener.out().close();
            assertThat(new String(dialer.in().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("response");
        }
    }

    @Test
    void unexpectedResponderFailsTheDialerBeforeItRevealsItself() throws Exception {
        RawConnection[] raw = peers.pair();
        NoiseTestPeers.RecordingConnection dialerRaw = new NoiseTestPeers.RecordingConnection(raw[0]);
        NoiseSecurity listener = new NoiseSecurity();
        Future<SecureConnection> inbound = peers.async(() -> listener.secureInbound(raw[1], listenerKey));
        PeerId someoneElse = PeerId.random();

        assertThatThrownBy(() -> new NoiseSecurity().secureOutbound(dialerRaw, dialerKey, Optional.of(someoneElse)))
                .isInstanceOfSatisfying(PeerIdMismatchException.class, e -> {
                    assertThat(e.expected()).isEqualTo(someoneElse);
                    assertThat(e.actual()).isEqualTo(listenerKey.publicKey().peerId());
                });
        assertThat(dialerRaw.closed)
                .as("the failed handshake closes its raw connection")
                .isTrue();
        assertThatThrownBy(() -> inbound.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void readTimeoutIsBoundedDuringTheHandshakeAndResetAfterwards() throws Exception {
        RawConnection[] raw = peers.pair();
        NoiseTestPeers.RecordingConnection dialerRaw = new NoiseTestPeers.RecordingConnection(raw[0]);
        NoiseTestPeers.RecordingConnection listenerRaw = new NoiseTestPeers.RecordingConnection(raw[1]);
        Duration timeout = Duration.ofSeconds(3);
        NoiseSecurity security = new NoiseSecurity(NoiseConfig.defaults().withHandshakeTimeout(timeout));
        Future<SecureConnection> inbound = peers.async(() -> security.secureInbound(listenerRaw, listenerKey));
        try (SecureConnection dialer = security.secureOutbound(dialerRaw, dialerKey, Optional.empty());
                SecureConnection listener = inbound.get(10, TimeUnit.SECONDS)) {
            for (NoiseTestPeers.RecordingConnection side : List.of(dialerRaw, listenerRaw)) {
                assertThat(side.timeouts).isNotEmpty();
                assertThat(side.timeouts.getLast()).isEqualTo(Duration.ZERO);
                assertThat(side.timeouts.subList(0, side.timeouts.size() - 1))
                        .allSatisfy(t -> assertThat(t).isPositive().isLessThanOrEqualTo(timeout));
                assertThat(side.closed).isFalse();
            }
            assertThat(dialer.remotePeer()).isEqualTo(listener.localPeer());
        }
    }

    /** Writes {@code total} seeded random bytes in uneven chunks and returns their SHA-256. */
    private static byte[] sendRandom(OutputStream out, int total, long seed, boolean close) throws Exception {
        Random random = new Random(seed);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[200_000];
        int sent = 0;
        while (sent < total) {
            int n = Math.min(total - sent, 1 + random.nextInt(chunk.length));
            random.nextBytes(chunk);
            out.write(chunk, 0, n);
            sha.update(chunk, 0, n);
            sent += n;
        }
        out.flush();
        if (close) {
            out.close();
        }
        return sha.digest();
    }

    /** Reads to the end of the stream and returns the SHA-256 of what arrived. */
    private static byte[] drain(InputStream in) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[100_000];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            sha.update(buffer, 0, n);
        }
        return sha.digest();
    }

    /** Reads exactly {@code total} bytes and returns their SHA-256. */
    private static byte[] digest(InputStream in, int total) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[30_000];
        int read = 0;
        while (read < total) {
            int n = in.read(buffer, 0, Math.min(buffer.length, total - read));
            assertThat(n).as("stream ended after %d of %d bytes", read, total).isPositive();
            sha.update(buffer, 0, n);
            read += n;
        }
        return sha.digest();
    }
}
