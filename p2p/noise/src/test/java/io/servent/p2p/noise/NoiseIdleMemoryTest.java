package io.servent.p2p.noise;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.SecureConnection;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Heap kept by an idle {@link NoiseSecureConnection} after it has carried full-size frames both
 * ways: the frame buffers must have gone back to the pool. Measured as the heap growth from
 * upgrading already-open TCP connections, divided by the number of secure connections.
 */
@Timeout(120)
class NoiseIdleMemoryTest {
    private static final int PAIRS = 200;
    /** Well under one 64 KiB frame buffer: keeping one per connection would blow this. */
    private static final long BUDGET_PER_CONNECTION = 8 * 1024;

    private final Ed25519PrivateKey dialerKey = Ed25519PrivateKey.generate();
    private final Ed25519PrivateKey listenerKey = Ed25519PrivateKey.generate();
    private NoiseSecurity security = new NoiseSecurity();

    @ParameterizedTest
    @EnumSource(NoiseCipherProvider.class)
    void anIdleConnectionHoldsNoFrameBuffers(NoiseCipherProvider provider) throws Exception {
        security = new NoiseSecurity(NoiseConfig.defaults().withCipherProviders(List.of(provider)));
        try (NoiseTestPeers peers = new NoiseTestPeers()) {
            // Warm the shared pools and the JIT, so only per-connection state is counted.
            for (SecureConnection c : upgradeAndExercise(peers, List.<RawConnection[]>of(peers.pair()))) {
                c.close();
            }
            List<RawConnection[]> raw = new ArrayList<>();
            for (int i = 0; i < PAIRS; i++) {
                raw.add(peers.pair());
            }
            long before = settledHeap();
            List<SecureConnection> secure = upgradeAndExercise(peers, raw);
            long after = settledHeap();
            long perConnection = (after - before) / secure.size();
            System.out.printf(
                    "heap per idle NoiseSecureConnection (%s, after 64 KiB each way): %d bytes%n",
                    security.aeadProvider(), perConnection);
            for (SecureConnection c : secure) {
                assertThat(((NoiseSecureConnection) c).holdsBuffers()).isFalse();
            }
            assertThat(perConnection).isLessThan(BUDGET_PER_CONNECTION);
            for (SecureConnection c : secure) {
                c.close();
            }
        }
    }

    /** Upgrades every pair and sends a 64 KiB message (two frames) each way on each. */
    private List<SecureConnection> upgradeAndExercise(NoiseTestPeers peers, List<RawConnection[]> raw)
            throws Exception {
        List<SecureConnection> secure = new ArrayList<>();
        byte[] message = new byte[64 * 1024];
        for (RawConnection[] pair : raw) {
            Future<SecureConnection> inbound = peers.async(() -> security.secureInbound(pair[1], listenerKey));
            SecureConnection outbound = security.secureOutbound(pair[0], dialerKey, Optional.empty());
            SecureConnection accepted = inbound.get(10, TimeUnit.SECONDS);
            for (SecureConnection[] direction : new SecureConnection[][] {{outbound, accepted}, {accepted, outbound}}) {
                direction[0].out().write(message);
                direction[0].out().flush();
                assertThat(direction[1].in().readNBytes(message.length)).hasSize(message.length);
            }
            secure.add(outbound);
            secure.add(accepted);
        }
        return secure;
    }

    private static long settledHeap() throws IOException {
        var memory = ManagementFactory.getMemoryMXBean();
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < 16 * 1024) {
                return used;
            }
            previous = used;
        }
        return previous;
    }
}
