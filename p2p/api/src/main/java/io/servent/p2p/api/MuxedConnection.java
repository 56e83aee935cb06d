package io.servent.p2p.api;

import java.io.Closeable;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A secure connection carrying many streams. Thread-safe.
 */
public interface MuxedConnection extends Closeable {
    /** Receives inbound streams and the end of the connection. Called on the muxer's reader thread, so
     * implementations must hand work off and return quickly. */
    interface Listener {
        /** A peer opened a stream. Accept it by keeping it, refuse it with {@link MuxedStream#reset()}. */
        void onStream(MuxedStream stream);

        /** The connection ended; {@code cause} is null for an orderly close. Called once. */
        void onClose(@Nullable Throwable cause);
    }

    /** Starts reading; must be called once, before any stream is opened. */
    void start(Listener listener);

    MuxedStream openStream() throws IOException;

    /** Streams currently open in either direction. */
    int streamCount();

    boolean isOpen();

    /** Closes gracefully (a GoAway where the muxer has one), then the underlying connection. */
    @Override
    void close() throws IOException;
}
