package io.servent.p2p.noise;

import io.servent.p2p.api.ProtocolViolationException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The receiving half of a Noise transport: reads frames, authenticates and decrypts each, and serves
 * their plaintext.
 *
 * <p>Reads ahead: once a frame has begun, each raw read asks for as much as the borrowed buffer holds
 * (two maximal frames), so a busy connection needs about one system call per frame or fewer, not
 * one for the length prefix and another for the body. Frames are decrypted in place (or straight
 * into the caller's array when it has room), so read-ahead adds no copy.
 *
 * <p>A buffer is borrowed from a {@link NoiseFramePool} only while a frame is being read, its
 * plaintext is not yet consumed or read-ahead bytes wait in it; a reader blocked between frames with
 * nothing read ahead holds none (it waits for the next length prefix in a two-byte array). Reading is
 * resumable: a read timeout ({@link java.net.SocketTimeoutException}) in the middle of a frame keeps
 * what was read, and the next call continues. The end of the raw stream between frames is a clean
 * end of stream ({@code -1}); inside a frame it is an {@link EOFException}. A frame that fails
 * authentication poisons the stream and ends the session. Not thread-safe: one reader at a time.
 */
final class NoiseInputStream extends InputStream {
    private static final int HEADER = 2;

    private final InputStream raw;
    private final NoiseCipherState cipher;
    private final NoiseFramePool pool;
    private final Runnable endSession;

    private final byte[] prefix = new byte[HEADER]; // a length prefix read while no buffer is held
    private final byte[] one = new byte[1];
    private int prefixRead;
    private byte @Nullable [] buffer;
    private int start; // the first byte of buffer not yet decrypted: a length prefix
    private int end; // the end of what was read into buffer
    private int plainPosition; // plaintext of the current frame, decrypted in place
    private int plainLimit;
    private boolean endOfStream;
    private @Nullable IOException failure;

    /**
     * @param endSession closes the connection after a forged frame or an exhausted counter
     */
    NoiseInputStream(InputStream raw, NoiseCipherState cipher, NoiseFramePool pool, Runnable endSession) {
        this.raw = raw;
        this.cipher = cipher;
        this.pool = pool;
        this.endSession = endSession;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        while (true) {
            IOException failed = failure;
            if (failed != null) {
                throw new IOException("noise input failed earlier: " + failed.getMessage(), failed);
            }
            byte[] held = buffer;
            if (held != null && plainPosition < plainLimit) {
                int n = Math.min(len, plainLimit - plainPosition);
                System.arraycopy(held, plainPosition, b, off, n);
                plainPosition += n;
                if (plainPosition == plainLimit) {
                    plainPosition = 0;
                    plainLimit = 0;
                    releaseIfDrained();
                }
                return n;
            }
            if (endOfStream) {
                return -1;
            }
            try {
                int length = nextFrame();
                if (length < 0) {
                    endOfStream = true;
                    return -1;
                }
                byte[] frames = Objects.requireNonNull(buffer);
                int body = start + HEADER;
                start = body + length;
                int plaintext = length - ChaChaPoly.TAG_LENGTH;
                if (plaintext > 0 && len >= plaintext) {
                    // The caller has room for the whole frame: decrypt straight into its array.
                    int n = cipher.decrypt(frames, body, length, b, off);
                    releaseIfDrained();
                    return n;
                }
                plainPosition = body;
                plainLimit = body + cipher.decrypt(frames, body, length, frames, body);
                if (plainLimit == plainPosition) {
                    releaseIfDrained(); // an empty frame is legal; wait for the next one
                }
            } catch (ProtocolViolationException e) {
                failure = e;
                releaseBuffer();
                endSession.run();
                throw e;
            } catch (EOFException e) {
                failure = e;
                releaseBuffer();
                throw e;
            }
        }
    }

    /**
     * Makes the next whole frame (length prefix, ciphertext and tag) readable at {@code buffer[start]}.
     *
     * @return the frame's length after the prefix, or -1 if the raw stream ended cleanly before it began
     */
    private int nextFrame() throws IOException {
        if (buffer == null) {
            // Nothing read ahead: wait for the length prefix without holding a buffer.
            while (prefixRead < HEADER) {
                int n = raw.read(prefix, prefixRead, HEADER - prefixRead);
                if (n < 0) {
                    if (prefixRead == 0) {
                        return -1;
                    }
                    throw new EOFException("connection ended inside a noise frame's length prefix");
                }
                prefixRead += n;
            }
            byte[] borrowed = pool.borrow();
            borrowed[0] = prefix[0];
            borrowed[1] = prefix[1];
            buffer = borrowed;
            start = 0;
            end = HEADER;
            prefixRead = 0;
        }
        byte[] frames = Objects.requireNonNull(buffer);
        while (end - start < HEADER) {
            if (!fill(HEADER)) {
                throw new EOFException("connection ended inside a noise frame's length prefix");
            }
        }
        int length = ((frames[start] & 0xFF) << 8) | (frames[start + 1] & 0xFF);
        if (length < ChaChaPoly.TAG_LENGTH) {
            throw new ProtocolViolationException(
                    "noise frame of " + length + " bytes is shorter than the " + ChaChaPoly.TAG_LENGTH + "-byte tag");
        }
        while (end - start < HEADER + length) {
            if (!fill(HEADER + length)) {
                throw new EOFException("connection ended after " + (end - start - HEADER) + " of " + length
                        + " bytes of a noise frame");
            }
        }
        return length;
    }

    /**
     * Reads whatever the raw stream has, up to the buffer's end, after moving the partial frame at
     * {@code start} to the front if a frame of {@code frameSize} bytes would not fit after it.
     *
     * @return false at the end of the raw stream
     */
    private boolean fill(int frameSize) throws IOException {
        byte[] frames = Objects.requireNonNull(buffer);
        if (start + frameSize > frames.length) {
            System.arraycopy(frames, start, frames, 0, end - start);
            end -= start;
            start = 0;
        }
        int n = raw.read(frames, end, frames.length - end);
        if (n < 0) {
            return false;
        }
        end += n;
        return true;
    }

    /** Returns the buffer once it holds neither unread plaintext nor read-ahead bytes. */
    private void releaseIfDrained() {
        if (start == end && plainPosition == plainLimit) {
            releaseBuffer();
        }
    }

    private void releaseBuffer() {
        byte[] held = buffer;
        if (held != null) {
            buffer = null;
            start = 0;
            end = 0;
            plainPosition = 0;
            plainLimit = 0;
            pool.release(held);
        }
    }

    @Override
    public int available() {
        return buffer != null ? plainLimit - plainPosition : 0;
    }

    /** Whether a buffer is currently borrowed, for tests. */
    boolean holdsBuffer() {
        return buffer != null;
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }
}
