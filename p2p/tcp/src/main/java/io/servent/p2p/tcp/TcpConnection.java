package io.servent.p2p.tcp;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.RawConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** A connected TCP socket. One reader and one writer may run concurrently; close from any thread. */
final class TcpConnection implements RawConnection {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Multiaddr local;
    private final Multiaddr remote;

    TcpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.local = Multiaddr.ofTcp((InetSocketAddress) socket.getLocalSocketAddress());
        this.remote = Multiaddr.ofTcp((InetSocketAddress) socket.getRemoteSocketAddress());
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
    public Multiaddr localAddress() {
        return local;
    }

    @Override
    public Multiaddr remoteAddress() {
        return remote;
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        // 0 means "no timeout" to the socket, so a sub-millisecond timeout must round up, not down.
        long millis = timeout.isZero() ? 0 : Math.max(1, timeout.toMillis());
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, millis));
    }

    @Override
    public void closeWrite() throws IOException {
        if (!socket.isOutputShutdown()) {
            socket.shutdownOutput();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public String toString() {
        return "tcp " + local + " <-> " + remote;
    }
}
