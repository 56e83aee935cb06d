package io.servent.sim;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.gossipsub.Gossipsub;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.identify.IdentifyService;
import io.servent.p2p.kad.KadDht;
import org.jspecify.annotations.Nullable;

/**
 * One simulated peer: a real host with identify and the services of its scenario. Closing it is an
 * orderly leave (its connections close, so neighbours notice at once). Thread-safe as its parts.
 */
record SimPeer(
        int index,
        BasicHost host,
        IdentifyService identify,
        @Nullable KadDht dht,
        @Nullable Gossipsub gossipsub) implements AutoCloseable {

    Multiaddr address() {
        return host.listenAddresses().get(0).withPeerId(host.peerId());
    }

    KadDht requireDht() {
        KadDht d = dht;
        if (d == null) {
            throw new IllegalStateException("peer " + index + " runs no DHT");
        }
        return d;
    }

    Gossipsub requireGossipsub() {
        Gossipsub g = gossipsub;
        if (g == null) {
            throw new IllegalStateException("peer " + index + " runs no gossipsub");
        }
        return g;
    }

    @Override
    public void close() {
        KadDht d = dht;
        if (d != null) {
            d.close();
        }
        Gossipsub g = gossipsub;
        if (g != null) {
            g.close();
        }
        identify.close();
        host.close();
    }

    @Override
    public String toString() {
        return "peer " + index + " (" + host.peerId().shortString() + ")";
    }
}
