package io.servent.p2p.testing;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.Transport;
import io.servent.p2p.api.TransportListener;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wraps any transport so its connections suffer what a {@link Chaos} dictates: latency, bandwidth
 * caps, stalls, drops and partitions. Dials across a partition fail with {@link ConnectException};
 * inbound connections across one are closed at once. Owns the inner transport. Thread-safe.
 */
public final class ChaosTransport implements Transport {
    private final Transport inner;
    private final Chaos chaos;
    private final List<ChaosListener> listeners = new CopyOnWriteArrayList<>();

    public ChaosTransport(Transport inner, Chaos chaos) {
        this.inner = inner;
        this.chaos = chaos;
    }

    public Chaos chaos() {
        return chaos;
    }

    @Override
    public String name() {
        return "chaos+" + inner.name();
    }

    @Override
    public boolean canDial(Multiaddr address) {
        return inner.canDial(address);
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return inner.canListen(address);
    }

    @Override
    public RawConnection dial(Multiaddr address, Duration timeout) throws IOException {
        // Checked before dialing so a partitioned listener never sees the attempt.
        for (ChaosListener listener : listeners) {
            if (!listener.isClosed() && chaos.isBlocked(listener.address(), address)) {
                throw partitioned(listener.address(), address);
            }
        }
        RawConnection connection = inner.dial(address, timeout);
        if (chaos.isBlocked(connection.localAddress(), connection.remoteAddress())) {
            connection.close();
            throw partitioned(connection.localAddress(), address);
        }
        return chaos.register(connection);
    }

    @Override
    public TransportListener listen(Multiaddr address) throws IOException {
        ChaosListener listener = new ChaosListener(inner.listen(address), chaos);
        listeners.add(listener);
        return listener;
    }

    @Override
    public void close() throws IOException {
        listeners.clear();
        inner.close();
    }

    private static ConnectException partitioned(Multiaddr from, Multiaddr to) {
        return new ConnectException("chaos partition separates " + from + " from " + to);
    }

    @Override
    public String toString() {
        return "ChaosTransport[" + inner + ", " + chaos + "]";
    }
}
