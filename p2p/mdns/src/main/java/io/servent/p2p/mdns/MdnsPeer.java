package io.servent.p2p.mdns;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import java.time.Duration;
import java.util.List;

/**
 * A peer found on the local network: its id and the addresses it announced (without {@code
 * /p2p/}), valid for {@code ttl}. Immutable and thread-safe.
 */
public record MdnsPeer(PeerId peer, List<Multiaddr> addresses, Duration ttl) {
    public MdnsPeer {
        addresses = List.copyOf(addresses);
    }
}
