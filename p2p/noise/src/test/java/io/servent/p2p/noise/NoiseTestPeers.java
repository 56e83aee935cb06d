package io.servent.p2p.noise;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.TransportListener;
import io.servent.p2p.tcp.TcpTransport;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Connected loopback TCP pairs and a virtual-thread executor for the other side of a test. */
final class NoiseTestPeers implements AutoCloseable {
    private final TcpTransport transport = new TcpTransport();
    private final TransportListener listener;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    NoiseTestPeers() throws IOException {
        listener = transport.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
    }

    /** A dialed connection and the accepted one, over real loopback TCP. */
    RawConnection[] pair() throws Exception {
        Future<RawConnection> accepted = executor.submit(listener::accept);
        RawConnection dialed = transport.dial(listener.address(), Duration.ofSeconds(5));
        return new RawConnection[] {dialed, accepted.get()};
    }

    <T> Future<T> async(java.util.concurrent.Callable<T> task) {
        return executor.submit(task);
    }

    @Override
    public void close() throws IOException {
        executor.shutdownNow();
        listener.close();
        transport.close();
    }

    /** A socket pair whose {@code out().close()} is a TCP half-close (shutdownOutput). */
    static RawConnection[] halfClosingPair() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket dialed = new Socket();
            dialed.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
            Socket accepted = server.accept();
            return new RawConnection[] {new HalfClosingConnection(dialed), new HalfClosingConnection(accepted)};
        }
    }

    private static final class HalfClosingConnection implements RawConnection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        HalfClosingConnection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = new FilterOutputStream(socket.getOutputStream()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    socket.getOutputStream().write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    socket.shutdownOutput();
                }
            };
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
            return Multiaddr.ofTcp((InetSocketAddress) socket.getLocalSocketAddress());
        }

        @Override
        public Multiaddr remoteAddress() {
            return Multiaddr.ofTcp((InetSocketAddress) socket.getRemoteSocketAddress());
        }

        @Override
        public void setReadTimeout(Duration timeout) throws IOException {
            socket.setSoTimeout(timeout.isZero() ? 0 : (int) Math.max(1, timeout.toMillis()));
        }

        @Override
        public void closeWrite() throws IOException {
            socket.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Wraps a connection and records every read timeout set on it and whether it was closed. */
    static final class RecordingConnection implements RawConnection {
        final RawConnection delegate;
        final List<Duration> timeouts = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        RecordingConnection(RawConnection delegate) {
            this.delegate = delegate;
        }

        @Override
        public InputStream in() {
            return delegate.in();
        }

        @Override
        public OutputStream out() {
            return delegate.out();
        }

        @Override
        public Multiaddr localAddress() {
            return delegate.localAddress();
        }

        @Override
        public Multiaddr remoteAddress() {
            return delegate.remoteAddress();
        }

        @Override
        public void setReadTimeout(Duration timeout) throws IOException {
            timeouts.add(timeout);
            delegate.setReadTimeout(timeout);
        }

        @Override
        public void closeWrite() throws IOException {
            delegate.closeWrite();
        }

        @Override
        public void close() throws IOException {
            closed = true;
            delegate.close();
        }
    }
}
