package io.servent.apps.files;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import java.util.List;
import java.util.Set;

/**
 * A peer known to have a file, and whether we can reach it.
 *
 * @param peer the provider
 * @param addresses where it may be reached
 * @param modes the search modes that named it
 * @param reachable we have, or could open, a connection to it
 * @param viaRelay that connection (or every address we know) goes through a relay
 * @param reputation its local reputation score in (-1, 1)
 */
public record ExplainProvider(
        PeerId peer,
        List<Multiaddr> addresses,
        Set<SearchMode> modes,
        boolean reachable,
        boolean viaRelay,
        double reputation) {
    public ExplainProvider {
        addresses = List.copyOf(addresses);
        modes = Set.copyOf(modes);
    }
}
