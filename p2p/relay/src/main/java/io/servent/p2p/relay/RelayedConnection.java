package io.servent.p2p.relay;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.Stream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A relayed connection before its upgrade: the bytes of a hop stream (at the initiator) or a stop
 * stream (at the target), which the host then secures with Noise and multiplexes with Yamux like
 * any raw connection. {@code limit} is what the relay announced it enforces. Threading as {@link
 * RawConnection}; {@link #close()} is idempotent and may be called from any thread.
 */
public final class RelayedConnection implements RawConnection {
    private static final Duration CLOSE_WRITE_TIMEOUT = Duration.ofSeconds(5);

    private final Stream stream;
    private final Multiaddr localAddress;
    private final Multiaddr remoteAddress;
    private final RelayLimit limit;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch closedLatch = new CountDownLatch(1);

    RelayedConnection(Stream stream, Multiaddr localAddress, Multiaddr remoteAddress, RelayLimit limit) {
        this.stream = stream;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        this.limit = limit;
    }

    @Override
    public InputStream in() {
        return stream.in();
    }

    @Override
    public OutputStream out() {
        return stream.out();
    }

    @Override
    public Multiaddr localAddress() {
        return localAddress;
    }

    /** {@code /<relay address>/p2p/<relay>/p2p-circuit}: the remote peer's id is proven by the handshake. */
    @Override
    public Multiaddr remoteAddress() {
        return remoteAddress;
    }

    public RelayLimit limit() {
        return limit;
    }

    @Override
    public void setReadTimeout(Duration timeout) {
        stream.setReadTimeout(timeout);
    }

    /** Ends the relayed stream: a FIN so the last bytes (a GoAway) still reach the peer, then done. */
    /** Half-closes the relayed stream: the far peer reads end-of-stream through the relay. */
    @Override
    public void closeWrite() throws IOException {
        stream.out().flush();
        stream.closeWrite();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            stream.setWriteTimeout(CLOSE_WRITE_TIMEOUT);
            stream.close();
        } catch (IOException e) {
            stream.reset();
        } finally {
            closedLatch.countDown();
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Blocks until {@link #close()}; the stop handler holds its stream open this long. */
    void awaitClosed() throws InterruptedException {
        closedLatch.await();
    }

    boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closedLatch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public String toString() {
        return "relayed " + remoteAddress;
    }
}
