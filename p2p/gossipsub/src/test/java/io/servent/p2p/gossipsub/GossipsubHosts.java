package io.servent.p2p.gossipsub;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.BasicHostBuilder;
import io.servent.p2p.host.HostConfig;
import io.servent.p2p.plaintext.PlaintextSecurity;
import io.servent.p2p.testing.Chaos;
import io.servent.p2p.testing.MemoryNetwork;
import io.servent.p2p.testing.MemoryTransport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * Real hosts on one in-memory network, each with gossipsub, for L2 tests: Noise and Yamux by default,
 * or plaintext. Closes everything it started. Not thread-safe.
 */
final class GossipsubHosts implements AutoCloseable {
    private final MemoryNetwork network = new MemoryNetwork();
    private final boolean plaintext;
    private final @Nullable Chaos chaos;
    final List<BasicHost> hosts = new ArrayList<>();
    final List<Gossipsub> routers = new ArrayList<>();

    GossipsubHosts(boolean plaintext) {
        this(plaintext, null);
    }

    /** With {@code chaos}, every host's connections suffer its latency, stalls and partitions. */
    GossipsubHosts(boolean plaintext, @Nullable Chaos chaos) {
        this.plaintext = plaintext;
        this.chaos = chaos;
    }

    BasicHost host() throws IOException {
        BasicHostBuilder builder = BasicHost.builder(Ed25519PrivateKey.generate())
                .config(HostConfig.defaults().withListenAddresses(List.of(Multiaddr.parse("/memory/0"))))
                .transport(chaos == null ? new MemoryTransport(network) : chaos.wrap(new MemoryTransport(network)));
        if (plaintext) {
            builder.security(new PlaintextSecurity());
        }
        BasicHost host = builder.build();
        hosts.add(host);
        host.start();
        return host;
    }

    Gossipsub gossipsub(GossipsubConfig config) throws IOException {
        Gossipsub gossipsub = Gossipsub.start(host(), config);
        routers.add(gossipsub);
        return gossipsub;
    }

    List<Gossipsub> gossipsubs(int count, GossipsubConfig config) throws IOException {
        List<Gossipsub> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            started.add(gossipsub(config));
        }
        return started;
    }

    BasicHost hostOf(Gossipsub gossipsub) {
        return hosts.get(routers.indexOf(gossipsub));
    }

    static Multiaddr addressOf(BasicHost host) {
        return host.listenAddresses().get(0).withPeerId(host.peerId());
    }

    void connect(BasicHost from, BasicHost to) throws IOException {
        if (from != to) {
            from.connect(addressOf(to));
        }
    }

    /** Each host dials {@code degree} random others, so the graph is connected with high probability. */
    void connectRandomly(int degree, Random random) throws IOException {
        for (int i = 0; i < hosts.size(); i++) {
            // a ring first, so the graph is surely connected
            connect(hosts.get(i), hosts.get((i + 1) % hosts.size()));
            for (int k = 1; k < degree; k++) {
                connect(hosts.get(i), hosts.get(random.nextInt(hosts.size())));
            }
        }
    }

    void connectAll() throws IOException {
        for (int i = 0; i < hosts.size(); i++) {
            for (int j = i + 1; j < hosts.size(); j++) {
                connect(hosts.get(i), hosts.get(j));
            }
        }
    }

    @Override
    public void close() {
        routers.forEach(Gossipsub::close);
        hosts.forEach(BasicHost::close);
    }
}
