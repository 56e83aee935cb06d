package io.servent.p2p.noise;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.SecureConnection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A quick look at one Noise connection's throughput over loopback TCP, printed for the record (the
 * JMH and whole-process benchmarks in {@code bench/} are the real measurement). Both ends run in
 * this JVM, so the machine's two cores do the encryption and the decryption at once.
 *
 * <p>Measurements run only when asked: {@code mvn -pl p2p/noise -am verify -Dservent.measure=true}.
 */
@Timeout(120)
class NoiseLoopbackThroughputTest {
    private static final long TOTAL = 256L << 20;

    @ParameterizedTest
    @EnabledIfSystemProperty(named = "servent.measure", matches = "true")
    @EnumSource(NoiseCipherProvider.class)
    void measureOneConnection(NoiseCipherProvider provider) throws Exception {
        NoiseSecurity security = new NoiseSecurity(NoiseConfig.defaults().withCipherProviders(List.of(provider)));
        Ed25519PrivateKey dialerKey = Ed25519PrivateKey.generate();
        Ed25519PrivateKey listenerKey = Ed25519PrivateKey.generate();
        try (NoiseTestPeers peers = new NoiseTestPeers()) {
            RawConnection[] raw = peers.pair();
            Future<SecureConnection> inbound = peers.async(() -> security.secureInbound(raw[1], listenerKey));
            try (SecureConnection dialer = security.secureOutbound(raw[0], dialerKey, Optional.empty());
                    SecureConnection listener = inbound.get(10, TimeUnit.SECONDS)) {
                byte[] chunk = new byte[256 * 1024];
                Future<Void> writer = peers.async(() -> {
                    for (long sent = 0; sent < TOTAL; sent += chunk.length) {
                        dialer.out().write(chunk);
                    }
                    dialer.out().flush();
                    return null;
                });
                byte[] buffer = new byte[256 * 1024];
                long start = System.nanoTime();
                long received = 0;
                while (received < TOTAL) {
                    int n = listener.in().read(buffer);
                    assertThat(n).isPositive();
                    received += n;
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                writer.get(10, TimeUnit.SECONDS);
                System.out.printf(
                        "%s: %d MiB through one noise connection over loopback TCP: %.0f MB/s%n",
                        provider, TOTAL >> 20, TOTAL / seconds / 1e6);
            }
        }
    }

    @org.junit.jupiter.api.Test
    @EnabledIfSystemProperty(named = "servent.measure", matches = "true")
    void measureHandshakes() throws Exception {
        NoiseSecurity security = new NoiseSecurity();
        Ed25519PrivateKey dialerKey = Ed25519PrivateKey.generate();
        Ed25519PrivateKey listenerKey = Ed25519PrivateKey.generate();
        try (NoiseTestPeers peers = new NoiseTestPeers()) {
            int rounds = 300;
            long[] nanos = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                RawConnection[] raw = peers.pair();
                long start = System.nanoTime();
                Future<SecureConnection> inbound = peers.async(() -> security.secureInbound(raw[1], listenerKey));
                SecureConnection outbound = security.secureOutbound(raw[0], dialerKey, Optional.empty());
                SecureConnection accepted = inbound.get(10, TimeUnit.SECONDS);
                nanos[i] = System.nanoTime() - start;
                outbound.close();
                accepted.close();
            }
            long[] measured = java.util.Arrays.copyOfRange(nanos, rounds / 3, rounds); // the rest warmed up
            java.util.Arrays.sort(measured);
            System.out.printf(
                    "noise handshake over loopback TCP, both sides in one JVM: median %.2f ms, p90 %.2f ms%n",
                    measured[measured.length / 2] / 1e6, measured[measured.length * 9 / 10] / 1e6);
        }
    }
}
