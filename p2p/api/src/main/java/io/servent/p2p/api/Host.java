package io.servent.p2p.api;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A libp2p host: an identity, listening transports, connections to other peers and the protocols it
 * serves. Applications use the network only through this interface. Thread-safe.
 */
public interface Host extends AutoCloseable {
    PeerId peerId();

    PublicKey publicKey();

    /** Signs with the host's identity key (for signed records and envelopes). */
    byte[] sign(byte[] data);

    /** Binds the configured listen addresses and starts accepting. */
    void start() throws IOException;

    /** Bound listen addresses, without {@code /p2p/}. */
    List<Multiaddr> listenAddresses();

    /** Addresses other peers can use to reach this one (listen addresses plus observed ones). */
    List<Multiaddr> advertisedAddresses();

    /**
     * Connects to the address, reusing an open connection to the same peer if there is one. If the
     * address ends in {@code /p2p/<id>}, the handshake must prove that identity.
     */
    Connection connect(Multiaddr address) throws IOException;

    /** Connects to a peer by the addresses in the peerstore. */
    Connection connect(PeerId peer) throws IOException;

    /** Opens a stream to the peer, connecting first if needed. */
    Stream newStream(PeerId peer, List<String> protocols) throws IOException;

    default Stream newStream(PeerId peer, String... protocols) throws IOException {
        return newStream(peer, List.of(protocols));
    }

    void setStreamHandler(String protocol, StreamHandler handler);

    void removeStreamHandler(String protocol);

    Set<String> protocols();

    List<Connection> connections();

    List<Connection> connections(PeerId peer);

    /** Closes every connection to the peer. */
    void disconnect(PeerId peer);

    Peerstore peerstore();

    /**
     * Delivers events to {@code listener} on a dedicated thread, in order. A subscriber that falls far
     * behind loses events (logged) rather than slowing the host. Close the result to unsubscribe.
     */
    AutoCloseable subscribe(Consumer<HostEvent> listener);

    /** Lets services (identify, …) publish events to every subscriber. */
    void publish(HostEvent event);

    /** Closes listeners, connections, streams and threads; returns when they are gone. */
    @Override
    void close();
}
