package io.servent.p2p.testing;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.RawConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection whose outgoing bytes pass through {@link Chaos}: each written chunk is given a
 * delivery time (bandwidth pacing, latency, jitter, stalls) and a virtual thread, started on the
 * first delayed chunk, writes it to the inner connection when that time comes. The queue is bounded
 * by {@link ChaosConfig#maxQueuedBytes()}: a writer ahead of it blocks. Without delays, chunks go
 * straight through on the writer's thread.
 *
 * <p>{@link #close()} behaves like a socket's: chunks in flight are still delivered, then the inner
 * connection closes (killed if the peer has not taken them {@link Chaos#DEFAULT_LINGER} after they were due). A drop or a
 * partition {@link #kill kills} it instead, discarding them.
 *
 * <p>Thread-safety as {@link RawConnection}; the state lock is never held across inner I/O.
 */
final class ChaosConnection implements RawConnection {
    private static final Logger log = LoggerFactory.getLogger(ChaosConnection.class);
    private static final int MAX_CHUNK = 64 * 1024;
    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final RawConnection inner;
    private final Chaos chaos;
    private final InputStream in = new ChaosInput();
    private final OutputStream out = new ChaosOutput();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    // Guarded by lock.
    private final SplittableRandom random;
    private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
    private int queuedBytes;
    private boolean inTransit;
    private long transmitFreeAt;
    private long lastDeliveryAt;
    private boolean closed;
    private boolean drained;
    private @Nullable String killedBecause;
    private @Nullable Thread deliverer;

    private record Chunk(byte[] data, long deliverAt) {}

    ChaosConnection(RawConnection inner, Chaos chaos, SplittableRandom random) {
        this.inner = inner;
        this.chaos = chaos;
        this.random = random;
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

    /** Delivers what is queued (bounded by the give-up time), then half-closes the inner connection. */
    @Override
    public void closeWrite() throws IOException {
        lock.lock();
        try {
            long deadline =
                    Math.max(lastDeliveryAt, System.nanoTime()) + chaos.linger().toNanos();
            while ((!queue.isEmpty() || inTransit) && killedBecause == null && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketException("chaos: queued bytes were not delivered before the half-close");
                }
                changed.awaitNanos(left);
            }
            requireOpen();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while half-closing");
        } finally {
            lock.unlock();
        }
        inner.closeWrite();
    }

    @Override
    public void close() {
        boolean now;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            now = queue.isEmpty() && !inTransit;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        chaos.unregister(this);
        if (now) {
            closeInner();
        } else {
            // The deliverer closes it once the queue is drained, but a peer that stops reading could
            // block that forever: give up after the last chunk's due time plus a grace period.
            Thread.ofVirtual().name("chaos-linger-" + id).start(this::lingerThenKill);
        }
    }

    /** Ends the connection at once, discarding chunks in flight; both ends see it fail. */
    void kill(String reason) {
        lock.lock();
        try {
            if (killedBecause != null) {
                return;
            }
            killedBecause = reason;
            closed = true;
            queue.clear();
            queuedBytes = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        log.debug(
                "chaos killed {} → {} ({}, seed {})",
                inner.localAddress(),
                inner.remoteAddress(),
                reason,
                chaos.seed());
        chaos.unregister(this);
        closeInner();
    }

    private void lingerThenKill() {
        lock.lock();
        try {
            long deadline =
                    Math.max(lastDeliveryAt, System.nanoTime()) + chaos.linger().toNanos();
            while (!drained && killedBecause == null) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    break;
                }
                changed.awaitNanos(remaining);
            }
            if (drained || killedBecause != null) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        kill("closed with bytes the peer did not read within " + chaos.linger());
    }

    private void send(byte[] b, int off, int len) throws IOException {
        ChaosConfig config = chaos.config();
        boolean direct = false;
        boolean drop = false;
        lock.lock();
        try {
            requireOpen();
            if (config.dropProbability() > 0 && random.nextDouble() < config.dropProbability()) {
                drop = true;
            } else if (config.immediate() && queue.isEmpty() && !inTransit) {
                direct = true;
            } else {
                while (queuedBytes > 0 && queuedBytes + len > config.maxQueuedBytes() && !closed) {
                    changed.await();
                }
                requireOpen();
                enqueue(Arrays.copyOfRange(b, off, off + len), config);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        } finally {
            lock.unlock();
        }
        if (drop) {
            kill("dropped with probability " + config.dropProbability());
            throw new SocketException("connection dropped by chaos");
        }
        if (direct) {
            // Only the writer's thread enqueues, so nothing else writes to inner until this returns.
            inner.out().write(b, off, len);
        }
    }

    /** Called with the lock held. */
    private void enqueue(byte[] data, ChaosConfig config) {
        long now = System.nanoTime();
        long start = Math.max(now, transmitFreeAt);
        long transmitNanos = config.bytesPerSecond() == 0 ? 0 : data.length * 1_000_000_000L / config.bytesPerSecond();
        transmitFreeAt = start + transmitNanos;
        long deliverAt = transmitFreeAt + config.latency().toNanos();
        long jitter = config.jitter().toNanos();
        if (jitter > 0) {
            deliverAt += random.nextLong(jitter + 1);
        }
        if (config.stallProbability() > 0 && random.nextDouble() < config.stallProbability()) {
            deliverAt += config.stall().toNanos();
        }
        // Chunks never overtake each other, whatever the jitter.
        deliverAt = Math.max(deliverAt, lastDeliveryAt);
        lastDeliveryAt = deliverAt;
        queue.add(new Chunk(data, deliverAt));
        queuedBytes += data.length;
        if (deliverer == null) {
            deliverer = Thread.ofVirtual().name("chaos-delivery-" + id).start(this::deliver);
        }
        changed.signalAll();
    }

    private void deliver() {
        try {
            while (true) {
                Chunk chunk;
                lock.lock();
                try {
                    if (killedBecause != null) {
                        return;
                    }
                    if (queue.isEmpty()) {
                        if (closed) {
                            break;
                        }
                        changed.await();
                        continue;
                    }
                    long wait = queue.getFirst().deliverAt() - System.nanoTime();
                    if (wait > 0) {
                        changed.awaitNanos(wait);
                        continue;
                    }
                    chunk = queue.remove();
                    inTransit = true;
                } finally {
                    lock.unlock();
                }
                try {
                    inner.out().write(chunk.data());
                    inner.out().flush();
                } catch (IOException e) {
                    kill("delivery failed: " + e.getMessage());
                    return;
                }
                lock.lock();
                try {
                    inTransit = false;
                    queuedBytes -= chunk.data().length;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            kill("delivery thread interrupted");
            return;
        }
        lock.lock();
        try {
            drained = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        closeInner();
    }

    /** Called with the lock held. */
    private void requireOpen() throws SocketException {
        if (killedBecause != null) {
            throw new SocketException("connection killed by chaos: " + killedBecause);
        }
        if (closed) {
            throw new SocketException("connection closed");
        }
    }

    private void closeInner() {
        try {
            inner.close();
        } catch (IOException e) {
            log.trace("closing {} failed: {}", inner, e.toString());
        }
    }

    @Override
    public String toString() {
        return "ChaosConnection[" + inner + "]";
    }

    private final class ChaosInput extends InputStream {
        @Override
        public int read() throws IOException {
            requireReadable();
            return inner.in().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            requireReadable();
            return inner.in().read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return inner.in().available();
        }

        @Override
        public void close() {
            ChaosConnection.this.close();
        }

        private void requireReadable() throws SocketException {
            lock.lock();
            try {
                requireOpen();
            } finally {
                lock.unlock();
            }
        }
    }

    private final class ChaosOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            send(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            while (len > 0) {
                int n = Math.min(len, MAX_CHUNK);
                send(b, off, n);
                off += n;
                len -= n;
            }
        }

        /** Queued chunks are flushed as they are delivered; unqueued ones need the inner flush. */
        @Override
        public void flush() throws IOException {
            boolean idle;
            lock.lock();
            try {
                requireOpen();
                idle = queue.isEmpty() && !inTransit;
            } finally {
                lock.unlock();
            }
            if (idle) {
                inner.out().flush();
            }
        }

        @Override
        public void close() {
            ChaosConnection.this.close();
        }
    }
}
