package io.servent.p2p.testing;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.RawConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * One end of an in-memory connection: two {@link MemoryPipe}s, one per direction. Behaves like a
 * socket: closing it (or either of its streams) lets the peer read what was already sent, then
 * end-of-stream, while the peer's writes fail; blocked reads and writes on both ends wake up.
 *
 * <p>Thread-safety as {@link RawConnection}: one reader and one writer at a time; close from anywhere.
 */
final class MemoryConnection implements RawConnection {
    private final MemoryPipe inbound;
    private final MemoryPipe outbound;
    private final Multiaddr localAddress;
    private final Multiaddr remoteAddress;
    private final InputStream in = new PipeInput();
    private final OutputStream out = new PipeOutput();

    private MemoryConnection(MemoryPipe inbound, MemoryPipe outbound, Multiaddr localAddress, Multiaddr remoteAddress) {
        this.inbound = inbound;
        this.outbound = outbound;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
    }

    /** Both ends of a fresh connection. */
    record Pair(MemoryConnection dialer, MemoryConnection listener) {}

    static Pair open(Multiaddr dialerAddress, Multiaddr listenerAddress, int pipeCapacity) {
        MemoryPipe toListener = new MemoryPipe(pipeCapacity);
        MemoryPipe toDialer = new MemoryPipe(pipeCapacity);
        return new Pair(
                new MemoryConnection(toDialer, toListener, dialerAddress, listenerAddress),
                new MemoryConnection(toListener, toDialer, listenerAddress, dialerAddress));
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
        return localAddress;
    }

    @Override
    public Multiaddr remoteAddress() {
        return remoteAddress;
    }

    @Override
    public void setReadTimeout(Duration timeout) {
        inbound.setReadTimeout(timeout);
    }

    @Override
    public void closeWrite() {
        outbound.closeWriter();
    }

    @Override
    public void close() {
        outbound.closeWriter();
        inbound.closeReader();
    }

    @Override
    public String toString() {
        return "MemoryConnection[" + localAddress + " → " + remoteAddress + "]";
    }

    private final class PipeInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = inbound.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return inbound.read(b, off, len);
        }

        @Override
        public int available() {
            return inbound.available();
        }

        /** As with a socket's stream, closing it closes the connection. */
        @Override
        public void close() {
            MemoryConnection.this.close();
        }
    }

    private final class PipeOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            outbound.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            outbound.write(b, off, len);
        }

        /** Written bytes are readable at once; there is nothing to flush. */
        @Override
        public void flush() {}

        @Override
        public void close() {
            MemoryConnection.this.close();
        }
    }
}
