package io.servent.p2p.tcp;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.Transport;
import io.servent.p2p.api.TransportListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dials and listens on {@code /ip4|ip6/<ip>/tcp/<port>} (with an optional trailing {@code /p2p/…}).
 * DNS addresses are not dialed here: resolving them is the host's decision. Thread-safe.
 */
public final class TcpTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);

    /** Pending-accept queue length handed to the kernel. */
    private static final int BACKLOG = 512;

    private final Set<TcpListener> listeners = ConcurrentHashMap.newKeySet();

    @Override
    public String name() {
        return "tcp";
    }

    @Override
    public boolean canDial(Multiaddr address) {
        return isTcp(address);
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return isTcp(address);
    }

    private static boolean isTcp(Multiaddr address) {
        var components = address.components();
        if (address.toTcpSocketAddress().isEmpty()) {
            return false;
        }
        // Only a bare ip/tcp pair, optionally naming the peer; anything else (ws, circuit…) is not ours.
        return components.size() == 2
                || (components.size() == 3 && components.get(2).protocol() == MultiaddrProtocol.P2P);
    }

    @Override
    public RawConnection dial(Multiaddr address, Duration timeout) throws IOException {
        InetSocketAddress target = socketAddress(address);
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(target, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
            return new TcpConnection(socket);
        } catch (SocketTimeoutException e) {
            closeQuietly(socket);
            throw new SocketTimeoutException("dial " + address + " timed out after " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            closeQuietly(socket);
            throw new IOException("dial " + address + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public TransportListener listen(Multiaddr address) throws IOException {
        InetSocketAddress bind = socketAddress(address);
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(bind, BACKLOG);
        } catch (IOException e) {
            closeQuietly(server);
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        TcpListener listener = new TcpListener(server, listeners::remove);
        listeners.add(listener);
        log.debug("listening on {}", listener.address());
        return listener;
    }

    private static InetSocketAddress socketAddress(Multiaddr address) throws IOException {
        if (!isTcp(address)) {
            throw new IOException("the TCP transport cannot use " + address);
        }
        return address.toTcpSocketAddress().orElseThrow();
    }

    @Override
    public void close() {
        for (TcpListener listener : listeners) {
            listener.close();
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Closing after a failure; the original error is what matters.
        }
    }
}
