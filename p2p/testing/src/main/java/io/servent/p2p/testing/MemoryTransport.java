package io.servent.p2p.testing;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.Transport;
import io.servent.p2p.api.TransportListener;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Dials and listens on {@code /memory/<u64>} addresses of one {@link MemoryNetwork}: connections are
 * pairs of bounded in-memory pipes with socket semantics (back-pressure, read timeouts, close from
 * either side). A dial to an id nobody listens on fails at once.
 *
 * <p>Like go-libp2p's TCP with port reuse, a transport that listens dials from its first listen
 * address, so the listener sees a remote address it can dial back (and {@link Chaos} partitions by
 * listen address work on both ends). One that does not listen dials from a fresh id.
 *
 * <p>Thread-safe.
 */
public final class MemoryTransport implements Transport {
    private final MemoryNetwork network;
    private final List<MemoryListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** A transport on {@link MemoryNetwork#shared()}. */
    public MemoryTransport() {
        this(MemoryNetwork.shared());
    }

    public MemoryTransport(MemoryNetwork network) {
        this.network = network;
    }

    public MemoryNetwork network() {
        return network;
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public boolean canDial(Multiaddr address) {
        return MemoryNetwork.id(address).isPresent();
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return canDial(address);
    }

    @Override
    public RawConnection dial(Multiaddr address, Duration timeout) throws IOException {
        if (closed) {
            throw new SocketException("memory transport is closed");
        }
        long id = MemoryNetwork.id(address)
                .orElseThrow(() -> new IllegalArgumentException("not a memory address: " + address));
        MemoryListener listener = network.lookup(id)
                .orElseThrow(() -> new ConnectException(
                        "connection refused: nothing listens on " + MemoryNetwork.address(id) + " in " + network));
        MemoryConnection.Pair pair =
                MemoryConnection.open(localDialAddress(), listener.address(), network.pipeCapacity());
        try {
            listener.enqueue(pair.listener(), timeout);
        } catch (IOException e) {
            pair.dialer().close();
            throw e;
        }
        return pair.dialer();
    }

    @Override
    public TransportListener listen(Multiaddr address) throws IOException {
        if (closed) {
            throw new SocketException("memory transport is closed");
        }
        long id = MemoryNetwork.id(address)
                .orElseThrow(() -> new IllegalArgumentException("not a memory address: " + address));
        MemoryListener listener = network.bind(id);
        listeners.add(listener);
        return listener;
    }

    /** Closes the listeners this transport opened; its connections stay open, as with TCP. */
    @Override
    public void close() {
        closed = true;
        for (MemoryListener listener : listeners) {
            listener.close();
        }
        listeners.clear();
    }

    private Multiaddr localDialAddress() {
        for (MemoryListener listener : listeners) {
            if (!listener.isClosed()) {
                return listener.address();
            }
        }
        return MemoryNetwork.address(network.freshId());
    }

    @Override
    public String toString() {
        return "MemoryTransport[" + network + "]";
    }
}
