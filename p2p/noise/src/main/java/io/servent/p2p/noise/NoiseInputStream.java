package io.servent.p2p.noise;

import io.servent.p2p.api.ProtocolViolationException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The receiving half of a Noise transport: reads one frame at a time, authenticates and decrypts it,
 * and serves its plaintext.
 *
 * <p>A frame buffer is borrowed from a {@link NoiseFramePool} only while a frame is being read or its
 * plaintext is not yet consumed, so a reader blocked between frames holds none. Reading is
 * resumable: a read timeout ({@link java.net.SocketTimeoutException}) in the middle of a frame keeps
 * what was read, and the next call continues. The end of the raw stream between frames is a clean
 * end of stream ({@code -1}); inside a frame it is an {@link EOFException}. A frame that fails
 * authentication poisons the stream and ends the session. Not thread-safe: one reader at a time.
 */
final class NoiseInputStream extends InputStream {
    private final InputStream raw;
    private final NoiseCipherState cipher;
    private final NoiseFramePool pool;
    private final Runnable endSession;

    private final byte[] header = new byte[2]; // the length prefix, possibly read in parts
    private final byte[] one = new byte[1];
    private int headerRead;
    private byte @Nullable [] frame; // ciphertext while reading, then plaintext
    private int frameLength;
    private int frameRead;
    private int plainPosition;
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
            byte[] buffer = frame;
            if (buffer != null && plainPosition < plainLimit) {
                int n = Math.min(len, plainLimit - plainPosition);
                System.arraycopy(buffer, plainPosition, b, off, n);
                plainPosition += n;
                if (plainPosition == plainLimit) {
                    releaseFrame();
                }
                return n;
            }
            if (endOfStream) {
                return -1;
            }
            try {
                if (!readFrame()) {
                    endOfStream = true;
                    return -1;
                }
                int plaintext = frameLength - ChaChaPoly.TAG_LENGTH;
                byte[] ciphertext = frameBuffer();
                if (plaintext > 0 && len >= plaintext) {
                    // The caller has room for the whole frame: decrypt straight into its array.
                    int n = cipher.decrypt(ciphertext, 0, frameLength, b, off);
                    releaseFrame();
                    return n;
                }
                plainLimit = cipher.decrypt(ciphertext, 0, frameLength, ciphertext, 0);
                plainPosition = 0;
                if (plainLimit == 0) {
                    releaseFrame(); // an empty frame is legal; wait for the next one
                }
            } catch (ProtocolViolationException e) {
                failure = e;
                releaseFrame();
                endSession.run();
                throw e;
            } catch (EOFException e) {
                failure = e;
                releaseFrame();
                throw e;
            }
        }
    }

    /**
     * Reads the rest of the current frame into the frame buffer.
     *
     * @return false if the raw stream ended cleanly before a frame began
     */
    private boolean readFrame() throws IOException {
        if (headerRead < 2) {
            while (headerRead < 2) {
                int n = raw.read(header, headerRead, 2 - headerRead);
                if (n < 0) {
                    if (headerRead == 0) {
                        return false;
                    }
                    throw new EOFException("connection ended inside a noise frame's length prefix");
                }
                headerRead += n;
            }
            int length = ((header[0] & 0xFF) << 8) | (header[1] & 0xFF);
            if (length < ChaChaPoly.TAG_LENGTH) {
                throw new ProtocolViolationException("noise frame of " + length + " bytes is shorter than the "
                        + ChaChaPoly.TAG_LENGTH + "-byte tag");
            }
            frameLength = length;
            frameRead = 0;
        }
        byte[] buffer = frameBuffer();
        while (frameRead < frameLength) {
            int n = raw.read(buffer, frameRead, frameLength - frameRead);
            if (n < 0) {
                throw new EOFException(
                        "connection ended after " + frameRead + " of " + frameLength + " bytes of a noise frame");
            }
            frameRead += n;
        }
        headerRead = 0;
        return true;
    }

    private byte[] frameBuffer() {
        byte[] buffer = frame;
        if (buffer == null) {
            buffer = pool.borrow();
            frame = buffer;
        }
        return buffer;
    }

    private void releaseFrame() {
        byte[] buffer = frame;
        if (buffer != null) {
            frame = null;
            plainPosition = 0;
            plainLimit = 0;
            pool.release(buffer);
        }
    }

    @Override
    public int available() {
        return frame != null ? plainLimit - plainPosition : 0;
    }

    /** Whether a frame buffer is currently borrowed, for tests. */
    boolean holdsBuffer() {
        return frame != null;
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }
}
