package io.servent.p2p.api;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * A bidirectional byte pipe between two endpoints, before or after the security handshake.
 *
 * <p>One thread may read while another writes; concurrent reads (or concurrent writes) need
 * external synchronisation. {@link #close()} is idempotent and unblocks pending reads.
 */
public interface RawConnection extends Closeable {
    InputStream in();

    OutputStream out();

    Multiaddr localAddress();

    Multiaddr remoteAddress();

    /**
     * Bounds every subsequent blocking read; a read that waits longer throws
     * {@link java.net.SocketTimeoutException}. {@link Duration#ZERO} waits forever.
     */
    void setReadTimeout(Duration timeout) throws IOException;

    /**
     * Half-close: sends what is buffered, then tells the peer this side will write no more (a TCP
     * FIN); reading continues until the peer closes. Lets a muxer end a connection without the
     * peer seeing a reset before it has read the last frames.
     */
    void closeWrite() throws IOException;

    @Override
    void close() throws IOException;
}
