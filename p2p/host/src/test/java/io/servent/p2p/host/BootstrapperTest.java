package io.servent.p2p.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.Peerstore;
import io.servent.p2p.api.PrivateKey;
import io.servent.p2p.testing.Await;
import io.servent.p2p.testing.MemoryNetwork;
import io.servent.p2p.testing.MemoryTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real hosts (Noise, Yamux) on the memory transport: bootstrap peers that go away and come back. */
@Timeout(60)
class BootstrapperTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Backoff FAST = new Backoff(Duration.ofMillis(50), Duration.ofMillis(400), 0.2);

    private final MemoryNetwork network = new MemoryNetwork();
    private final List<AutoCloseable> owned = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : owned.reversed()) {
            c.close();
        }
    }

    private BasicHost host(PrivateKey key, long memoryId) throws IOException {
        BasicHost host = BasicHost.builder(key)
                .transport(new MemoryTransport(network))
                .config(HostConfig.defaults().withListenAddresses(List.of(MemoryNetwork.address(memoryId))))
                .build();
        owned.add(host);
        host.start();
        return host;
    }

    private BasicHost host() throws IOException {
        return host(Ed25519PrivateKey.generate(), 0);
    }

    private Bootstrapper bootstrapper(BasicHost host, BootstrapConfig config) {
        Bootstrapper b = new Bootstrapper(host, config);
        owned.add(b);
        b.start();
        return b;
    }

    private static long freeMemoryId() {
        return ThreadLocalRandom.current().nextLong(1L << 40, 1L << 50);
    }

    @Test
    void aBootstrapPeerThatRestartsIsReconnected() throws Exception {
        PrivateKey bootKey = Ed25519PrivateKey.generate();
        long bootId = freeMemoryId();
        BasicHost boot = host(bootKey, bootId);
        Multiaddr bootAddress = MemoryNetwork.address(bootId).withPeerId(boot.peerId());
        BasicHost node = host();
        Bootstrapper keeper = bootstrapper(
                node,
                BootstrapConfig.defaults()
                        .withPeers(List.of(bootAddress))
                        .withMinConnections(0)
                        .withBackoff(FAST));

        Await.until(WAIT, () -> !node.connections(boot.peerId()).isEmpty(), "the node reaches its bootstrap peer");
        Await.until(WAIT, () -> keeper.status().get(0).connected(), "the status shows it connected");

        boot.close(); // the bootstrap peer goes away …
        Await.until(WAIT, () -> keeper.status().get(0).failures() >= 3, "redials fail, with backoff");
        Bootstrapper.Target down = keeper.status().get(0);
        assertThat(down.connected()).isFalse();
        assertThat(down.peer()).contains(boot.peerId());
        assertThat(down.nextAttemptIn().orElseThrow()).isLessThanOrEqualTo(FAST.max());

        BasicHost rebooted = host(bootKey, bootId); // … and comes back at the same address
        Await.until(WAIT, () -> !node.connections(rebooted.peerId()).isEmpty(), "the node reconnects");
        Await.until(WAIT, () -> keeper.status().get(0).connected(), "the status shows it connected again");
        assertThat(keeper.status().get(0).failures()).isZero();
        assertThat(rebooted.connections(node.peerId())).isNotEmpty();
    }

    @Test
    void aBootstrapAddressWithoutPeerIdLearnsWhoAnswered() throws Exception {
        long bootId = freeMemoryId();
        BasicHost boot = host(Ed25519PrivateKey.generate(), bootId);
        BasicHost node = host();
        Bootstrapper keeper = bootstrapper(
                node,
                BootstrapConfig.defaults()
                        .withPeers(List.of(MemoryNetwork.address(bootId)))
                        .withMinConnections(0)
                        .withBackoff(FAST));

        Await.until(WAIT, () -> keeper.status().get(0).peer().isPresent(), "the bootstrap peer's id is learned");
        assertThat(keeper.status().get(0).peer()).contains(boot.peerId());
        assertThat(keeper.status().get(0).connected()).isTrue();
    }

    @Test
    void belowTheMinimumItDialsPeersThePeerstoreKnows() throws Exception {
        BasicHost node = host();
        List<BasicHost> others = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            BasicHost other = host();
            others.add(other);
            node.peerstore().addAddresses(other.peerId(), other.listenAddresses(), Peerstore.TEMPORARY_TTL);
        }
        node.peerstore()
                .addAddresses(
                        io.servent.p2p.api.PeerId.random(),
                        List.of(MemoryNetwork.address(freeMemoryId())),
                        Peerstore.TEMPORARY_TTL);

        bootstrapper(
                node,
                BootstrapConfig.defaults()
                        .withMinConnections(3)
                        .withCheckInterval(Duration.ofMillis(100))
                        .withBackoff(FAST));

        Await.until(WAIT, () -> node.connections().size() >= 3, "three peers connected");
        // It stops at the minimum rather than dialing everything it knows.
        long end = System.nanoTime() + Duration.ofMillis(500).toNanos();
        Await.until(Duration.ofSeconds(5), () -> System.nanoTime() - end > 0, "five more checks have passed");
        assertThat(node.connections().stream()
                        .map(c -> c.remotePeer())
                        .distinct()
                        .count())
                .isEqualTo(3);

        // Lose one: it is replaced.
        BasicHost connectedOther = others.stream()
                .filter(o -> !node.connections(o.peerId()).isEmpty())
                .findFirst()
                .orElseThrow();
        connectedOther.close();
        Await.until(
                WAIT,
                () -> node.connections().stream()
                                        .map(c -> c.remotePeer())
                                        .distinct()
                                        .count()
                                >= 3
                        && node.connections(connectedOther.peerId()).isEmpty(),
                "a replacement is connected");
    }

    @Test
    void closeStopsItsThreadsAndLeavesConnectionsOpen() throws Exception {
        long bootId = freeMemoryId();
        BasicHost boot = host(Ed25519PrivateKey.generate(), bootId);
        BasicHost node = host();
        Bootstrapper keeper = new Bootstrapper(
                node,
                BootstrapConfig.defaults()
                        .withPeers(List.of(
                                MemoryNetwork.address(bootId).withPeerId(boot.peerId()),
                                MemoryNetwork.address(freeMemoryId()).withPeerId(io.servent.p2p.api.PeerId.random())))
                        .withBackoff(FAST));
        keeper.start();
        Await.until(WAIT, () -> !node.connections(boot.peerId()).isEmpty(), "connected");

        keeper.close();

        assertThat(keeper.liveThreadCount()).isZero();
        assertThat(node.connections(boot.peerId())).isNotEmpty();
        keeper.close(); // idempotent
        assertThatThrownBy(keeper::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void configIsChecked() {
        BootstrapConfig defaults = BootstrapConfig.defaults();
        assertThatThrownBy(() -> defaults.withMinConnections(-1)).hasMessageContaining("negative");
        assertThatThrownBy(() -> defaults.withMaxConcurrentDials(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> defaults.withCheckInterval(Duration.ZERO)).hasMessageContaining("positive");
        List<Multiaddr> many = new ArrayList<>();
        for (int i = 0; i < BootstrapConfig.MAX_PEERS + 1; i++) {
            many.add(MemoryNetwork.address(i + 1));
        }
        assertThatThrownBy(() -> defaults.withPeers(many)).hasMessageContaining("at most 64");
    }
}
