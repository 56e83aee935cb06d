package io.servent.p2p.yamux;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.PublicKey;
import io.servent.p2p.api.SecureConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Test-only chaos: delivers every received byte {@code delay} after it arrived, as a long link
 * would (this kernel has no netem). Wrapping both ends gives a round-trip time of twice the delay.
 * The queue is unbounded, but the muxer's windows bound what can be in flight.
 */
final class DelayedSecureConnection implements SecureConnection {
    @SuppressWarnings("ArrayRecordComponent") // a private carrier, never compared
    private record Arrival(byte @Nullable [] data, long releaseNanos) {}

    private final SecureConnection inner;
    private final long delayNanos;
    private final LinkedBlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
    private final InputStream in = new Delayed();

    DelayedSecureConnection(SecureConnection inner, Duration delay) {
        this.inner = inner;
        this.delayNanos = delay.toNanos();
        Thread.ofVirtual().name("delay-pump").start(this::pump);
    }

    private void pump() {
        byte[] buffer = new byte[64 * 1024];
        try {
            int n;
            while ((n = inner.in().read(buffer)) >= 0) {
                arrivals.add(new Arrival(Arrays.copyOf(buffer, n), System.nanoTime() + delayNanos));
            }
        } catch (IOException e) {
            // Closed: deliver the end.
        }
        arrivals.add(new Arrival(null, System.nanoTime() + delayNanos));
    }

    private final class Delayed extends InputStream {
        private byte @Nullable [] current;
        private int position;
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            byte[] data = current;
            while (data == null || position == data.length) {
                if (ended) {
                    return -1;
                }
                Arrival next;
                try {
                    next = arrivals.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException();
                }
                long wait;
                while ((wait = next.releaseNanos() - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait); // the simulated propagation delay
                }
                data = next.data();
                if (data == null) {
                    ended = true;
                    return -1;
                }
                current = data;
                position = 0;
            }
            int n = Math.min(len, data.length - position);
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return inner.out();
    }

    @Override
    public PeerId localPeer() {
        return inner.localPeer();
    }

    @Override
    public PeerId remotePeer() {
        return inner.remotePeer();
    }

    @Override
    public PublicKey remotePublicKey() {
        return inner.remotePublicKey();
    }

    @Override
    public String securityProtocol() {
        return inner.securityProtocol();
    }

    @Override
    public Multiaddr localAddress() {
        return inner.localAddress();
    }

    @Override
    public Multiaddr remoteAddress() {
        return inner.remoteAddress();
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        inner.setReadTimeout(timeout);
    }

    @Override
    public void closeWrite() throws IOException {
        inner.closeWrite();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
