package io.servent.p2p.api;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * Dials and listens on one kind of address (TCP, memory, …). Thread-safe.
 */
public interface Transport extends Closeable {
    /** A short name for logs, e.g. {@code tcp}. */
    String name();

    boolean canDial(Multiaddr address);

    boolean canListen(Multiaddr address);

    /** Opens a raw connection, failing after {@code timeout}. */
    RawConnection dial(Multiaddr address, Duration timeout) throws IOException;

    /** Binds {@code address}; port or id 0 picks a free one, which {@link TransportListener#address()} reports. */
    TransportListener listen(Multiaddr address) throws IOException;

    /** Closes every listener this transport opened. */
    @Override
    void close() throws IOException;
}
