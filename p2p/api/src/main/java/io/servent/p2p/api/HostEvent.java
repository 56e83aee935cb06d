package io.servent.p2p.api;

import java.util.List;
import java.util.Set;

/** What a host reports to its subscribers. */
public sealed interface HostEvent {
    /** The first connection to a peer opened. */
    record PeerConnected(PeerId peer, Connection connection) implements HostEvent {}

    /** The last connection to a peer closed. */
    record PeerDisconnected(PeerId peer) implements HostEvent {}

    record ConnectionOpened(Connection connection) implements HostEvent {}

    record ConnectionClosed(Connection connection, String reason) implements HostEvent {}

    /** Identify learned (or identify-push updated) what a peer is and speaks. */
    record PeerIdentified(PeerId peer, String agentVersion, Set<String> protocols, List<Multiaddr> listenAddresses)
            implements HostEvent {}

    /** The set of protocols this host serves changed. */
    record LocalProtocolsChanged(Set<String> protocols) implements HostEvent {}

    /** The addresses this host listens on (or is reachable at) changed. */
    record LocalAddressesChanged(List<Multiaddr> addresses) implements HostEvent {}
}
