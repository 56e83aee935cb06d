package io.servent.p2p.api;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Varint-length-prefixed messages, the framing most libp2p protocols use on a stream. Every read
 * states its maximum, checked before anything is allocated; a message cut short costs only the
 * bytes that arrived. Stateless and thread-safe (the streams are the caller's to guard).
 */
public final class LengthPrefixed {
    /** Bytes of a message read before its whole declared length is allocated. */
    private static final int FIRST_CHUNK = 32 * 1024;

    private LengthPrefixed() {}

    /**
     * Reads one message of at most {@code maxLength} bytes.
     *
     * @return the message, or empty if the stream ended cleanly before it began
     */
    public static Optional<byte[]> read(InputStream in, int maxLength) throws IOException {
        long length = Varint.read(in);
        if (length < 0) {
            return Optional.empty();
        }
        if (length > maxLength) {
            throw new ProtocolViolationException(
                    "message of " + length + " bytes exceeds the limit of " + maxLength + " bytes");
        }
        // A truncated message must cost what arrived, not what was declared, so the whole array is
        // allocated only once the first FIRST_CHUNK bytes are here; the message is then read in place
        // (InputStream.readNBytes(int), which joins small chunks, would copy a large message twice).
        int total = (int) length;
        byte[] first = new byte[Math.min(total, FIRST_CHUNK)];
        int read = in.readNBytes(first, 0, first.length);
        if (read == total) {
            return Optional.of(first);
        }
        if (read < first.length) {
            throw new EOFException("stream ended after " + read + " of " + length + " message bytes");
        }
        byte[] message = java.util.Arrays.copyOf(first, total);
        int rest = in.readNBytes(message, read, total - read);
        if (read + rest != total) {
            throw new EOFException("stream ended after " + (read + rest) + " of " + length + " message bytes");
        }
        return Optional.of(message);
    }

    /** Reads one message, treating a cleanly ended stream as an error. */
    public static byte[] readRequired(InputStream in, int maxLength) throws IOException {
        return read(in, maxLength).orElseThrow(() -> new EOFException("stream ended before the expected message"));
    }

    /** Writes one message; the caller flushes. */
    public static void write(OutputStream out, byte[] message) throws IOException {
        Varint.write(message.length, out);
        out.write(message);
    }
}
