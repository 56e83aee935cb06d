package io.servent.p2p.api;

import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * An upgraded connection to a proven peer: secure and multiplexed. Thread-safe.
 */
public interface Connection extends Closeable {
    /** A host-unique id for logs and the control API, e.g. {@code c17}. */
    String id();

    PeerId localPeer();

    PeerId remotePeer();

    PublicKey remotePublicKey();

    Multiaddr localAddress();

    Multiaddr remoteAddress();

    Direction direction();

    Instant openedAt();

    /** e.g. {@code /noise} */
    String securityProtocol();

    /** e.g. {@code /yamux/1.0.0} */
    String muxerProtocol();

    /** Opens a stream and negotiates the first protocol of {@code protocols} the peer supports. */
    Stream newStream(List<String> protocols) throws IOException;

    default Stream newStream(String... protocols) throws IOException {
        return newStream(List.of(protocols));
    }

    List<Stream> streams();

    boolean isOpen();

    /** Closes every stream and the connection. Idempotent, never blocks for long. */
    @Override
    void close();
}
