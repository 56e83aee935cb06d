package io.servent.p2p.testing;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.TransportListener;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Accepts through an inner listener, refusing connections a {@link Chaos} partition cuts. Thread-safe as the inner one. */
final class ChaosListener implements TransportListener {
    private static final Logger log = LoggerFactory.getLogger(ChaosListener.class);

    private final TransportListener inner;
    private final Chaos chaos;
    private final Multiaddr address;
    private volatile boolean closed;

    ChaosListener(TransportListener inner, Chaos chaos) {
        this.inner = inner;
        this.chaos = chaos;
        this.address = inner.address();
    }

    @Override
    public Multiaddr address() {
        return address;
    }

    @Override
    public RawConnection accept() throws IOException {
        while (true) {
            RawConnection connection = inner.accept();
            if (!chaos.isBlocked(connection.localAddress(), connection.remoteAddress())) {
                return chaos.register(connection);
            }
            log.debug("chaos partition refuses {} → {}", connection.remoteAddress(), connection.localAddress());
            connection.close();
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        inner.close();
    }
}
