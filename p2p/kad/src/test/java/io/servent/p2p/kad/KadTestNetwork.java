package io.servent.p2p.kad;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.HostConfig;
import io.servent.p2p.identify.IdentifyService;
import io.servent.p2p.plaintext.PlaintextSecurity;
import io.servent.p2p.testing.MemoryNetwork;
import io.servent.p2p.testing.MemoryTransport;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Real hosts (plaintext security for speed, Yamux, identify) on one in-memory network, each with a
 * DHT. Closes everything it started.
 */
final class KadTestNetwork implements AutoCloseable {
    static final Multiaddr MEMORY = Multiaddr.parse("/memory/0");

    /** One host with its services. */
    record Node(BasicHost host, IdentifyService identify, KadDht dht) {
        Multiaddr address() {
            return host.listenAddresses().get(0).withPeerId(host.peerId());
        }

        @Override
        public String toString() {
            return host.peerId().shortString();
        }
    }

    final MemoryNetwork memory = new MemoryNetwork();
    final List<Node> nodes = new CopyOnWriteArrayList<>();
    private final List<BasicHost> bareHosts = new CopyOnWriteArrayList<>();

    Node start(KadConfig config) throws IOException {
        return start(config, InstantSource.system(), null);
    }

    /** A node on {@code clock}, with {@code timer} for its maintenance (null for its own). */
    Node start(KadConfig config, InstantSource clock, @Nullable ScheduledExecutorService timer) throws IOException {
        BasicHost host = host(h -> {});
        IdentifyService identify = new IdentifyService(host, "servent-kad-test");
        KadDht dht = KadDht.start(host, config, KadValidators.defaults(), clock, timer);
        Node node = new Node(host, identify, dht);
        nodes.add(node);
        return node;
    }

    List<Node> start(int n, KadConfig config) throws IOException {
        List<Node> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            started.add(start(config));
        }
        return started;
    }

    /** A started host without a DHT (for scripted peers); {@code setup} runs before it starts. */
    BasicHost host(Consumer<BasicHost> setup) throws IOException {
        BasicHost host = BasicHost.builder(Ed25519PrivateKey.generate())
                .config(HostConfig.defaults().withListenAddresses(List.of(MEMORY)))
                .transport(new MemoryTransport(memory))
                .security(new PlaintextSecurity())
                .build();
        bareHosts.add(host);
        setup.accept(host);
        host.start();
        return host;
    }

    @Override
    public void close() {
        for (Node node : nodes) {
            node.dht().close();
            node.identify().close();
        }
        bareHosts.parallelStream().forEach(BasicHost::close);
    }
}
