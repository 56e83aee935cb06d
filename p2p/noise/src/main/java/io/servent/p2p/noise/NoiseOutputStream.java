package io.servent.p2p.noise;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The sending half of a Noise transport: buffers plaintext up to {@link #MAX_PLAINTEXT} bytes and
 * emits one frame (2-byte big-endian length, ciphertext, tag) when the buffer is full or on
 * {@link #flush()}. Each frame goes to the raw stream in a single write.
 *
 * <p>The frame buffer is borrowed from a {@link NoiseFramePool} only while plaintext is staged, so an
 * idle, flushed stream holds none. After a failure every call throws. Not thread-safe: one writer at a
 * time, as {@link io.servent.p2p.api.RawConnection} requires.
 */
final class NoiseOutputStream extends OutputStream {
    /** The most plaintext one frame carries: the largest Noise message less the tag. */
    static final int MAX_PLAINTEXT = NoiseHandshake.MAX_MESSAGE_LENGTH - ChaChaPoly.TAG_LENGTH;

    private static final int HEADER = 2;

    private final OutputStream raw;
    private final NoiseCipherState cipher;
    private final NoiseFramePool pool;
    private final Runnable endSession;
    private final HalfClose halfClose;
    private byte @Nullable [] frame;
    private int staged;
    private @Nullable IOException failure;
    private boolean closed;

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
        byte[] buffer = stagingBuffer();
        buffer[HEADER + staged++] = (byte) b;
        if (staged == MAX_PLAINTEXT) {
            emitStaged();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureUsable();
        while (len > 0) {
            if (staged == 0 && len >= MAX_PLAINTEXT) {
                // A whole frame from the caller's array: encrypt it straight into a frame buffer.
                emit(b, off, MAX_PLAINTEXT);
                off += MAX_PLAINTEXT;
                len -= MAX_PLAINTEXT;
                continue;
            }
            byte[] buffer = stagingBuffer();
            int n = Math.min(len, MAX_PLAINTEXT - staged);
            System.arraycopy(b, off, buffer, HEADER + staged, n);
            staged += n;
            off += n;
            len -= n;
            if (staged == MAX_PLAINTEXT) {
                emitStaged();
            }
        }
    }

    @Override
    public void flush() throws IOException {
        ensureUsable();
        if (staged > 0) {
            emitStaged();
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
            releaseFrame();
            halfClose.closeWrite();
        }
    }

    /** Bytes staged but not yet sent, for tests. */
    int staged() {
        return staged;
    }

    /** Whether a frame buffer is currently borrowed, for tests. */
    boolean holdsBuffer() {
        return frame != null;
    }

    private byte[] stagingBuffer() {
        byte[] buffer = frame;
        if (buffer == null) {
            buffer = pool.borrow();
            frame = buffer;
        }
        return buffer;
    }

    private void emitStaged() throws IOException {
        byte[] buffer = stagingBuffer();
        try {
            int length = cipher.encrypt(buffer, HEADER, staged, buffer, HEADER);
            writeFrame(buffer, length);
        } catch (IOException e) {
            throw fail(e);
        } finally {
            staged = 0;
            releaseFrame();
        }
    }

    private void emit(byte[] plaintext, int off, int len) throws IOException {
        byte[] buffer = pool.borrow();
        try {
            int length = cipher.encrypt(plaintext, off, len, buffer, HEADER);
            writeFrame(buffer, length);
        } catch (IOException e) {
            throw fail(e);
        } finally {
            pool.release(buffer);
        }
    }

    private void writeFrame(byte[] buffer, int length) throws IOException {
        buffer[0] = (byte) (length >>> 8);
        buffer[1] = (byte) length;
        raw.write(buffer, 0, HEADER + length);
    }

    private IOException fail(IOException e) {
        failure = e;
        if (cipher.exhausted()) {
            endSession.run();
        }
        return e;
    }

    private void releaseFrame() {
        byte[] buffer = frame;
        if (buffer != null) {
            frame = null;
            pool.release(buffer);
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
