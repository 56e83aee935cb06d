package io.servent.p2p.api;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * One stream of a multiplexed connection: blocking, flow-controlled, with half-close.
 *
 * <p>One thread may read while another writes. Reads return -1 after the peer closed its write side;
 * reads and writes throw {@link StreamResetException} after a reset from either side.
 */
public interface MuxedStream extends Closeable {
    /** The muxer's stream id, for logs. */
    long id();

    InputStream in();

    /** Writes block while the peer's receive window is full. Flush sends buffered bytes. */
    OutputStream out();

    /** No more writes from this side; the peer reads end-of-stream. Reading continues. */
    void closeWrite() throws IOException;

    /** Aborts both directions at once; the peer sees a reset. Never blocks, never throws. */
    void reset();

    /**
     * Closes both directions: closes the write side and stops reading, discarding anything
     * unread. Use {@link #closeWrite()} to keep reading the peer's reply.
     */
    @Override
    void close() throws IOException;

    /** Bounds each later blocking read; {@link Duration#ZERO} waits forever. */
    void setReadTimeout(Duration timeout);

    /** Bounds each later write that waits for window space; {@link Duration#ZERO} waits forever. */
    void setWriteTimeout(Duration timeout);
}
