package io.servent.p2p.kad;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import java.util.List;

/** A peer and the addresses a DHT message gave for it (possibly none). */
public record KadPeer(PeerId id, List<Multiaddr> addresses) {
    public KadPeer {
        addresses = List.copyOf(addresses);
    }
}
