package io.servent.p2p.noise;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The sending half of a Noise transport: buffers plaintext up to {@link #MAX_PLAINTEXT} bytes per
 * frame and seals a frame (2-byte big-endian length, ciphertext, tag) when it is full or on {@link
 * #flush()}. Sealed frames go to the raw stream in one write per two full frames, or on flush, so a
 * busy connection makes half as many system calls as frames.
 *
 * <p>Sealing and writing overlap: a buffer of two full frames is handed to a short-lived virtual
 * thread ({@code noise-writer-N}) that writes it to the raw stream while the caller seals the next
 * two frames into another buffer. At most one buffer is in flight; the caller waits for it before
 * handing over the next, so a connection holds at most two buffers. The thread ends as soon as
 * nothing is in flight, so an idle connection has none; closing the raw connection ends a write it
 * is blocked in. {@link #flush()} and {@link #close()} wait for the buffer in flight and write the
 * rest on the caller's thread, so after a flush every byte is in the raw stream, as before. A failed
 * write in the writer thread is reported by the next call.
 *
 * <p>A buffer is borrowed from a {@link NoiseFramePool} only while plaintext is staged or sealed
 * frames wait, so an idle, flushed stream holds none. After a failure every call throws. Not
 * thread-safe for callers: one writer at a time, as {@link io.servent.p2p.api.RawConnection}
 * requires; the hand-over to the writer thread is guarded by a leaf lock never held across I/O.
 */
final class NoiseOutputStream extends OutputStream {
    /** The most plaintext one frame carries: the largest Noise message less the tag. */
    static final int MAX_PLAINTEXT = NoiseHandshake.MAX_MESSAGE_LENGTH - ChaChaPoly.TAG_LENGTH;

    private static final int HEADER = 2;
    private static final AtomicInteger WRITERS = new AtomicInteger();

    private final OutputStream raw;
    private final NoiseCipherState cipher;
    private final NoiseFramePool pool;
    private final Runnable endSession;
    private final HalfClose halfClose;
    private byte @Nullable [] buffer;
    /** Whole sealed frames waiting in {@code buffer[0, sealed)}; the next frame is staged after them. */
    private int sealed;
    /** Plaintext staged for the next frame, at {@code buffer[sealed + HEADER]}. */
    private int staged;

    private @Nullable IOException failure;
    private boolean closed;

    private final ReentrantLock handOver = new ReentrantLock();
    private final Condition handOverDone = handOver.newCondition();
    /** Sealed frames the writer thread is writing, {@code [0, inFlightLength)}. */
    private byte @Nullable [] inFlight; // guarded by handOver

    private int inFlightLength; // guarded by handOver
    /** Why the writer thread's last write failed; reported by the caller's next call. */
    private @Nullable IOException writerFailure; // guarded by handOver

    /** Ends the raw connection's sending side once the last frame is out. */
    @FunctionalInterface
    interface HalfClose {
        void closeWrite() throws IOException;
    }

    /** For streams whose own {@code close()} is the half-close (tests over plain streams). */
    NoiseOutputStream(OutputStream raw, NoiseCipherState cipher, NoiseFramePool pool, Runnable endSession) {
        this(raw, cipher, pool, endSession, raw::close);
    }

    /**
     * @param endSession closes the connection when the send counter is exhausted
     * @param halfClose signals end-of-stream to the peer after {@link #close()} flushed
     */
    NoiseOutputStream(
            OutputStream raw, NoiseCipherState cipher, NoiseFramePool pool, Runnable endSession, HalfClose halfClose) {
        this.raw = raw;
        this.cipher = cipher;
        this.pool = pool;
        this.endSession = endSession;
        this.halfClose = halfClose;
    }

    @Override
    public void write(int b) throws IOException {
        ensureUsable();
        byte[] frames = borrowedBuffer();
        frames[sealed + HEADER + staged++] = (byte) b;
        if (staged == MAX_PLAINTEXT) {
            sealStaged();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureUsable();
        while (len > 0) {
            if (staged == 0 && len >= MAX_PLAINTEXT) {
                // A whole frame from the caller's array: seal it straight into the buffer.
                seal(b, off, MAX_PLAINTEXT);
                off += MAX_PLAINTEXT;
                len -= MAX_PLAINTEXT;
                continue;
            }
            byte[] frames = borrowedBuffer();
            int n = Math.min(len, MAX_PLAINTEXT - staged);
            System.arraycopy(b, off, frames, sealed + HEADER + staged, n);
            staged += n;
            off += n;
            len -= n;
            if (staged == MAX_PLAINTEXT) {
                sealStaged();
            }
        }
    }

    @Override
    public void flush() throws IOException {
        ensureUsable();
        if (staged > 0) {
            sealStaged();
        }
        awaitNothingInFlight();
        if (sealed > 0) {
            writeSealed();
        }
        try {
            raw.flush();
        } catch (IOException e) {
            throw fail(e);
        }
    }

    /** Sends what is staged, then half-closes the raw connection: the peer reads end-of-stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (failure == null) {
                flush();
            }
        } finally {
            closed = true;
            releaseBuffer();
            halfClose.closeWrite();
        }
    }

    /** Plaintext bytes staged but not yet sealed, for tests. */
    int staged() {
        return staged;
    }

    /** Whether a buffer is currently borrowed (staged, or in flight in the writer thread), for tests. */
    boolean holdsBuffer() {
        handOver.lock();
        try {
            return buffer != null || inFlight != null;
        } finally {
            handOver.unlock();
        }
    }

    private byte[] borrowedBuffer() {
        byte[] frames = buffer;
        if (frames == null) {
            frames = pool.borrow();
            buffer = frames;
        }
        return frames;
    }

    private void sealStaged() throws IOException {
        byte[] frames = borrowedBuffer();
        int at = sealed + HEADER;
        int length = staged;
        staged = 0;
        seal(frames, at, length);
    }

    /**
     * Seals {@code len} plaintext bytes of {@code src} as the next frame in the buffer (in place when
     * {@code src} is the buffer's staging area), and writes the sealed frames when no further frame
     * fits.
     */
    private void seal(byte[] src, int off, int len) throws IOException {
        byte[] frames = borrowedBuffer();
        try {
            int length = cipher.encrypt(src, off, len, frames, sealed + HEADER);
            frames[sealed] = (byte) (length >>> 8);
            frames[sealed + 1] = (byte) length;
            sealed += HEADER + length;
        } catch (IOException e) {
            throw fail(e);
        }
        if (frames.length - sealed < NoiseFramePool.FRAME_CAPACITY) {
            handOverSealed();
        }
    }

    /**
     * Gives the full buffer to the writer thread, once the previous one is written, and starts the
     * thread if none runs. Only full buffers travel this way: staged plaintext is always zero here,
     * because a frame is sealed before its buffer fills.
     */
    private void handOverSealed() throws IOException {
        awaitNothingInFlight();
        byte[] frames = borrowedBuffer();
        handOver.lock();
        try {
            inFlight = frames;
            inFlightLength = sealed;
        } finally {
            handOver.unlock();
        }
        buffer = null;
        sealed = 0;
        Thread.ofVirtual().name("noise-writer-" + WRITERS.incrementAndGet()).start(this::writeInFlight);
    }

    /** The writer thread: writes the buffer in flight and ends. */
    private void writeInFlight() {
        byte[] frames;
        int length;
        handOver.lock();
        try {
            frames = inFlight;
            length = inFlightLength;
        } finally {
            handOver.unlock();
        }
        if (frames == null) {
            return;
        }
        IOException failed = null;
        try {
            raw.write(frames, 0, length);
        } catch (IOException e) {
            failed = e;
        } catch (RuntimeException e) {
            // Reported like an I/O failure: the caller must never wait for a buffer that will not come back.
            failed = new IOException("writing Noise frames failed: " + e, e);
        }
        pool.release(frames);
        handOver.lock();
        try {
            inFlight = null;
            writerFailure = failed;
            handOverDone.signalAll();
        } finally {
            handOver.unlock();
        }
    }

    /** Waits until the writer thread has written the buffer in flight; throws its failure if it failed. */
    private void awaitNothingInFlight() throws IOException {
        IOException failed;
        handOver.lock();
        try {
            while (inFlight != null) {
                handOverDone.await();
            }
            failed = writerFailure;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the previous frames were being written");
        } finally {
            handOver.unlock();
        }
        if (failed != null) {
            throw fail(failed);
        }
    }

    private void writeSealed() throws IOException {
        byte[] frames = borrowedBuffer();
        try {
            raw.write(frames, 0, sealed);
        } catch (IOException e) {
            throw fail(e);
        } finally {
            sealed = 0;
            if (staged == 0) {
                releaseBuffer();
            }
        }
    }

    private IOException fail(IOException e) {
        failure = e;
        if (cipher.exhausted()) {
            endSession.run();
        }
        return e;
    }

    private void releaseBuffer() {
        byte[] frames = buffer;
        if (frames != null) {
            buffer = null;
            pool.release(frames);
        }
    }

    private void ensureUsable() throws IOException {
        if (closed) {
            throw new IOException("noise output is closed");
        }
        IOException failed = failure;
        if (failed != null) {
            throw new IOException("noise output failed earlier: " + failed.getMessage(), failed);
        }
    }
}
