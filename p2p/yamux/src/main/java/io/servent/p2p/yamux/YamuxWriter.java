package io.servent.p2p.yamux;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Puts frames on the secure connection, one whole frame at a time under the connection's write lock.
 *
 * <p>Application threads write their Data frames (and FINs) themselves under the write lock. Frames
 * born where nobody may wait for the socket (the reader thread's pongs, resets and GoAway, {@link
 * YamuxStream#reset()}, the keep-alive timer's pings) are queued here. Whoever holds the write lock
 * next drains the queue and flushes; when nobody is writing, a short-lived virtual thread ({@code
 * yamux-writer-<n>}) is started to drain it and ends when the queue is empty, so an idle connection
 * holds no writer thread. A stream's pending window update is queued at most once and computed when
 * it is written, so the queue is bounded by the number of streams plus the bounded control frames.
 *
 * <p>A failed write leaves the byte stream unframeable, so any I/O error here is reported to the
 * connection, which closes. Thread-safe. Lock order: the write lock, then a stream's lock; the queue
 * lock is a leaf.
 */
final class YamuxWriter {
    /** Control frames queued at once; beyond it the peer is not reading what it makes us send. */
    static final int MAX_QUEUED_CONTROL = 4096;
    /** Pongs queued at once; further pings are left unanswered, as go-yamux does. */
    static final int MAX_QUEUED_PONGS = 32;

    private final OutputStream out;
    private final Consumer<IOException> onFailure;
    private final String flusherName;
    /** A flusher thread is running (or about to): enqueuers need not start another. */
    private final AtomicBoolean flusherActive = new AtomicBoolean();

    private final ReentrantLock writeLock = new ReentrantLock();
    private final byte[] header = new byte[YamuxHeader.SIZE]; // guarded by writeLock
    private boolean unflushed; // guarded by writeLock
    private boolean goAwayWrittenUnflushed; // guarded by writeLock
    private final CountDownLatch goAwayFlushed = new CountDownLatch(1);

    private final ReentrantLock queueLock = new ReentrantLock();
    private final ArrayDeque<YamuxHeader> control = new ArrayDeque<>(2); // guarded by queueLock
    private final ArrayDeque<YamuxStream> credits = new ArrayDeque<>(2); // guarded by queueLock
    private int queuedPongs; // guarded by queueLock
    /** Something is queued: data writers drain on their way out. */
    private volatile boolean pending;

    YamuxWriter(OutputStream out, Consumer<IOException> onFailure, String flusherName) {
        this.out = out;
        this.onFailure = onFailure;
        this.flusherName = flusherName;
    }

    // ---- application threads: whole frames under the write lock ----

    void writeData(YamuxStream stream, byte[] src, int offset, int length, long timeoutNanos) throws IOException {
        lock(timeoutNanos);
        try {
            int flags = stream.takeOpenFlags();
            if (flags < 0) {
                throw stream.writeFailure();
            }
            YamuxHeader.encode(header, YamuxHeader.TYPE_DATA, flags, stream.intId(), length);
            try {
                out.write(header, 0, YamuxHeader.SIZE);
                out.write(src, offset, length);
            } catch (IOException e) {
                throw failed(e);
            }
            unflushed = true;
            if (pending) {
                drainLocked();
                flushLocked();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Writes the FIN that half-closes {@code stream} and flushes, unless the stream was reset meanwhile. */
    void writeFin(YamuxStream stream, long timeoutNanos) throws IOException {
        lock(timeoutNanos);
        try {
            int flags = stream.takeOpenFlags();
            if (flags >= 0) {
                writeHeaderLocked(YamuxHeader.windowUpdate(flags | YamuxHeader.FLAG_FIN, stream.intId(), 0));
            }
            drainLocked();
            flushLocked();
        } finally {
            writeLock.unlock();
        }
    }

    void flush(long timeoutNanos) throws IOException {
        lock(timeoutNanos);
        try {
            drainLocked();
            flushLocked();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Sends a stream's window update from the application thread that just read, if the connection is
     * free; otherwise queues it for whoever writes next. Errors close the connection and are not
     * thrown: the read that triggered the update succeeded.
     */
    void sendWindowUpdate(YamuxStream stream) {
        if (writeLock.tryLock()) {
            try {
                YamuxHeader update = stream.takeWindowUpdate();
                if (update != null) {
                    writeHeaderLocked(update);
                }
                drainLocked();
                flushLocked();
            } catch (IOException e) {
                // Already reported to the connection by failed().
            } finally {
                writeLock.unlock();
            }
        } else {
            queueWindowUpdate(stream);
            drainSoon();
        }
    }

    // ---- any thread, never blocking on I/O ----

    /** Queues a control frame; false when the queue is full (the peer is not reading). */
    boolean enqueue(YamuxHeader frame) {
        queueLock.lock();
        try {
            if (control.size() >= MAX_QUEUED_CONTROL) {
                return false;
            }
            control.addLast(frame);
            pending = true;
            return true;
        } finally {
            queueLock.unlock();
        }
    }

    /** Queues the answer to a ping; false when too many pongs are queued already (it is dropped). */
    boolean enqueuePong(int opaque) {
        queueLock.lock();
        try {
            if (queuedPongs >= MAX_QUEUED_PONGS) {
                return false;
            }
            queuedPongs++;
            control.addLast(YamuxHeader.ping(YamuxHeader.FLAG_ACK, opaque));
            pending = true;
            return true;
        } finally {
            queueLock.unlock();
        }
    }

    /** Queues {@code stream}'s window update (the stream makes sure it is queued at most once). */
    void queueWindowUpdate(YamuxStream stream) {
        queueLock.lock();
        try {
            credits.addLast(stream);
            pending = true;
        } finally {
            queueLock.unlock();
        }
    }

    boolean hasPending() {
        return pending;
    }

    /**
     * Makes sure queued frames get written: if nobody is draining, starts a flusher thread. Never
     * blocks. A writer holding the lock drains on its way out, so a busy connection starts none.
     */
    void drainSoon() {
        if (pending && flusherActive.compareAndSet(false, true)) {
            Thread.ofVirtual().name(flusherName).start(this::flushLoop);
        }
    }

    private void flushLoop() {
        do {
            try {
                writeLock.lock();
                try {
                    drainLocked();
                    flushLocked();
                } finally {
                    writeLock.unlock();
                }
            } catch (IOException e) {
                // Reported to the connection by failed(); it closes and the queue no longer matters.
                flusherActive.set(false);
                return;
            }
            flusherActive.set(false);
            // Something queued after the drain whose enqueuer saw this flusher still active.
        } while (pending && flusherActive.compareAndSet(false, true));
    }

    /** A flusher thread is running; for tests that check every thread ended. */
    boolean flushing() {
        return flusherActive.get();
    }

    boolean awaitGoAwayFlushed(long nanos) throws InterruptedException {
        return goAwayFlushed.await(nanos, TimeUnit.NANOSECONDS);
    }

    // ---- under the write lock ----

    private void drainLocked() throws IOException {
        while (true) {
            YamuxHeader frame;
            YamuxStream stream = null;
            queueLock.lock();
            try {
                frame = control.pollFirst();
                if (frame == null) {
                    stream = credits.pollFirst();
                } else if (frame.type() == YamuxHeader.TYPE_PING && frame.has(YamuxHeader.FLAG_ACK)) {
                    queuedPongs--;
                }
                pending = !control.isEmpty() || !credits.isEmpty();
            } finally {
                queueLock.unlock();
            }
            if (stream != null) {
                frame = stream.takeWindowUpdate();
                if (frame == null) {
                    continue;
                }
            } else if (frame == null) {
                return;
            }
            writeHeaderLocked(frame);
        }
    }

    private void writeHeaderLocked(YamuxHeader frame) throws IOException {
        frame.encode(header, 0);
        try {
            out.write(header, 0, YamuxHeader.SIZE);
        } catch (IOException e) {
            throw failed(e);
        }
        unflushed = true;
        if (frame.type() == YamuxHeader.TYPE_GO_AWAY) {
            goAwayWrittenUnflushed = true;
        }
    }

    private void flushLocked() throws IOException {
        if (!unflushed) {
            return;
        }
        try {
            out.flush();
        } catch (IOException e) {
            throw failed(e);
        }
        unflushed = false;
        if (goAwayWrittenUnflushed) {
            goAwayWrittenUnflushed = false;
            goAwayFlushed.countDown();
        }
    }

    private void lock(long timeoutNanos) throws IOException {
        try {
            if (timeoutNanos <= 0) {
                writeLock.lockInterruptibly();
            } else if (!writeLock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
                throw new SocketTimeoutException("yamux write timed out after "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms waiting for the connection");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to write");
        }
    }

    private IOException failed(IOException e) {
        onFailure.accept(e);
        return e;
    }
}
