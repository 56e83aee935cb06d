package io.servent.p2p.tcp;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.TransportListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;

/** A bound TCP server socket. {@link #accept()} from one thread; {@link #close()} from any. */
final class TcpListener implements TransportListener {
    private final ServerSocket server;
    private final Multiaddr address;
    private final Consumer<TcpListener> onClose;

    TcpListener(ServerSocket server, Consumer<TcpListener> onClose) {
        this.server = server;
        this.address = Multiaddr.ofTcp((InetSocketAddress) server.getLocalSocketAddress());
        this.onClose = onClose;
    }

    @Override
    public Multiaddr address() {
        return address;
    }

    @Override
    public RawConnection accept() throws IOException {
        Socket socket = server.accept();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            return new TcpConnection(socket);
        } catch (IOException e) {
            TcpTransport.closeQuietly(socket);
            throw e;
        }
    }

    @Override
    public void close() {
        TcpTransport.closeQuietly(server);
        onClose.accept(this);
    }
}
