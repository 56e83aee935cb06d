package io.servent.p2p.api;

import java.io.Closeable;
import java.io.IOException;

/** A bound listening address. {@link #accept()} may be called from one thread at a time. */
public interface TransportListener extends Closeable {
    /** The bound address, with the real port or id. */
    Multiaddr address();

    /** Blocks until a connection arrives; throws once the listener is closed. */
    RawConnection accept() throws IOException;

    @Override
    void close() throws IOException;
}
