package io.servent.p2p.host;

import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Direction;
import io.servent.p2p.api.MuxedStream;
import io.servent.p2p.api.Stream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * A negotiated stream: a muxer stream plus its protocol and connection, its payload counted in the
 * host's {@link HostMetrics}. Thread-safety as the muxer stream.
 */
final class HostStream implements Stream {
    private final MuxedStream muxed;
    private final String protocol;
    private final HostConnection connection;
    private final Direction direction;
    private final InputStream in;
    private final OutputStream out;

    HostStream(MuxedStream muxed, String protocol, HostConnection connection, Direction direction) {
        this.muxed = muxed;
        this.protocol = protocol;
        this.connection = connection;
        this.direction = direction;
        HostMetrics.CountedStreams counted =
                connection.metrics().streamOpened(protocol, direction, muxed.in(), muxed.out());
        this.in = counted.in();
        this.out = counted.out();
    }

    @Override
    public long id() {
        return muxed.id();
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public void closeWrite() throws IOException {
        muxed.closeWrite();
    }

    @Override
    public void reset() {
        muxed.reset();
        connection.forget(this);
    }

    @Override
    public void close() throws IOException {
        try {
            muxed.close();
        } finally {
            connection.forget(this);
        }
    }

    @Override
    public void setReadTimeout(Duration timeout) {
        muxed.setReadTimeout(timeout);
    }

    @Override
    public void setWriteTimeout(Duration timeout) {
        muxed.setWriteTimeout(timeout);
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public Connection connection() {
        return connection;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public String toString() {
        return "stream " + muxed.id() + " " + protocol + " " + direction.name().toLowerCase(java.util.Locale.ROOT)
                + " on " + connection;
    }
}
