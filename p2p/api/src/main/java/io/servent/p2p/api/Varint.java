package io.servent.p2p.api;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Unsigned LEB128 varints as the multiformats spec defines them: at most 9 bytes (63 bits) and
 * minimally encoded. Stateless and thread-safe.
 *
 * @see <a href="https://github.com/multiformats/unsigned-varint">unsigned-varint</a>
 */
public final class Varint {
    /** The spec caps varints at 9 bytes, which holds values below 2^63. */
    public static final int MAX_BYTES = 9;

    private Varint() {}

    /** A decoded value and the number of bytes it occupied. */
    public record Decoded(long value, int length) {}

    public static int encodedLength(long value) {
        requireUnsigned(value);
        int n = 1;
        while ((value >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    public static byte[] encode(long value) {
        byte[] out = new byte[encodedLength(value)];
        write(value, out, 0);
        return out;
    }

    /** Writes {@code value} at {@code offset} and returns the number of bytes written. */
    public static int write(long value, byte[] out, int offset) {
        requireUnsigned(value);
        int i = offset;
        while ((value & ~0x7FL) != 0) {
            out[i++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[i++] = (byte) value;
        return i - offset;
    }

    public static void write(long value, OutputStream out) throws IOException {
        byte[] buf = new byte[MAX_BYTES];
        int n = write(value, buf, 0);
        out.write(buf, 0, n);
    }

    /** Decodes a varint starting at {@code offset}; rejects truncated, overlong and non-minimal input. */
    public static Decoded decode(byte[] in, int offset) {
        if (offset < 0 || offset > in.length) {
            throw new MultiformatException("varint offset " + offset + " is outside " + in.length + " bytes");
        }
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            if (offset + i >= in.length) {
                throw new MultiformatException("truncated varint: input ended after " + i + " bytes");
            }
            int b = in[offset + i] & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new MultiformatException("varint is not minimally encoded");
                }
                return new Decoded(value, i + 1);
            }
        }
        throw new MultiformatException("varint is longer than " + MAX_BYTES + " bytes");
    }

    /**
     * Reads one varint from a stream.
     *
     * @return the value, or -1 if the stream ended cleanly before the first byte
     * @throws EOFException if the stream ended inside the varint
     * @throws ProtocolViolationException if the varint is overlong or not minimal
     */
    public static long read(InputStream in) throws IOException {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            int b = in.read();
            if (b < 0) {
                if (i == 0) {
                    return -1;
                }
                throw new EOFException("stream ended inside a varint after " + i + " bytes");
            }
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new ProtocolViolationException("varint is not minimally encoded");
                }
                return value;
            }
        }
        throw new ProtocolViolationException("varint is longer than " + MAX_BYTES + " bytes");
    }

    private static void requireUnsigned(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("varints are unsigned; got " + value);
        }
    }
}
