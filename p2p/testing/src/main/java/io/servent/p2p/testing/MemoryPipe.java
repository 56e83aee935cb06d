package io.servent.p2p.testing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One direction of an in-memory connection: a bounded ring buffer with one writing and one reading
 * end. A full buffer blocks the writer (back-pressure); an empty one blocks the reader, up to its
 * read timeout. The buffer starts small and grows up to its capacity only when a fast writer
 * outpaces the reader; a small buffer is released whenever the reader drains it, so thousands of
 * idle connections cost nothing but their objects.
 *
 * <p>Thread-safe: one reader and one writer may work at once; either end may be closed from any
 * thread, which wakes both.
 */
final class MemoryPipe {
    private static final int INITIAL_BUFFER = 4096;
    private static final byte[] EMPTY = new byte[0];

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();

    // Guarded by lock.
    private byte[] buffer = EMPTY;
    private int head;
    private int size;
    private boolean writerClosed;
    private boolean readerClosed;

    private volatile long readTimeoutNanos;

    MemoryPipe(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("pipe capacity must be positive, not " + capacity);
        }
        this.capacity = capacity;
    }

    void setReadTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative read timeout " + timeout);
        }
        readTimeoutNanos = timeout.toNanos();
    }

    /** Blocks until at least one byte is available, the writer closed (-1) or the timeout passed. */
    int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        long timeout = readTimeoutNanos;
        long remaining = timeout;
        lock.lock();
        try {
            while (size == 0) {
                if (readerClosed) {
                    throw new SocketException("connection closed");
                }
                if (writerClosed) {
                    return -1;
                }
                if (timeout == 0) {
                    readable.await();
                } else {
                    if (remaining <= 0) {
                        throw new SocketTimeoutException(
                                "read timed out after " + TimeUnit.NANOSECONDS.toMillis(timeout) + " ms");
                    }
                    remaining = readable.awaitNanos(remaining);
                }
            }
            int n = Math.min(len, size);
            int first = Math.min(n, buffer.length - head);
            System.arraycopy(buffer, head, b, off, first);
            System.arraycopy(buffer, 0, b, off + first, n - first);
            head = (head + n) % buffer.length;
            size -= n;
            if (size == 0) {
                head = 0;
                if (buffer.length <= INITIAL_BUFFER) {
                    // A drained small buffer goes back to the heap: a simulator keeps hundreds of
                    // thousands of mostly idle connections open. Grown buffers (bulk transfers) stay.
                    buffer = EMPTY;
                }
            }
            writable.signal();
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading");
        } finally {
            lock.unlock();
        }
    }

    /** Blocks while the pipe is full; fails once either end is closed. */
    void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        lock.lock();
        try {
            while (len > 0) {
                if (writerClosed) {
                    throw new SocketException("connection closed");
                }
                if (readerClosed) {
                    throw new SocketException("connection closed by the remote end");
                }
                int free = capacity - size;
                if (free == 0) {
                    writable.await();
                    continue;
                }
                int n = Math.min(free, len);
                ensureBuffer(size + n);
                int tail = (head + size) % buffer.length;
                int first = Math.min(n, buffer.length - tail);
                System.arraycopy(b, off, buffer, tail, first);
                System.arraycopy(b, off + first, buffer, 0, n - first);
                size += n;
                off += n;
                len -= n;
                readable.signal();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        } finally {
            lock.unlock();
        }
    }

    int available() {
        lock.lock();
        try {
            return readerClosed ? 0 : size;
        } finally {
            lock.unlock();
        }
    }

    /** The writing end closed: the reader drains what is buffered, then reads end-of-stream. */
    void closeWriter() {
        lock.lock();
        try {
            writerClosed = true;
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The reading end closed: buffered bytes are dropped and the writer fails from now on. */
    void closeReader() {
        lock.lock();
        try {
            readerClosed = true;
            buffer = EMPTY;
            head = 0;
            size = 0;
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void ensureBuffer(int needed) {
        if (buffer.length >= needed) {
            return;
        }
        int length = Math.min(capacity, Math.max(needed, Math.max(INITIAL_BUFFER, buffer.length * 2)));
        byte[] grown = new byte[length];
        int first = Math.min(size, buffer.length - head);
        System.arraycopy(buffer, head, grown, 0, first);
        System.arraycopy(buffer, 0, grown, first, size - first);
        buffer = grown;
        head = 0;
    }
}
