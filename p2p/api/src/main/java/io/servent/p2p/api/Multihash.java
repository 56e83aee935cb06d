package io.servent.p2p.api;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A self-describing hash: {@code <varint code><varint length><digest>}. Digests may be truncated,
 * as the spec allows, but never longer than their function's output; users that need the full
 * length (PeerIds, CIDv0) check it. Immutable and thread-safe.
 *
 * @see <a href="https://github.com/multiformats/multihash">multihash</a>
 */
public final class Multihash {
    public static final int IDENTITY = 0x00;
    public static final int SHA1 = 0x11;
    public static final int SHA2_256 = 0x12;
    public static final int SHA2_512 = 0x13;

    /** Identity digests larger than this are refused; the largest real use (inlined keys) is far smaller. */
    public static final int MAX_DIGEST_LENGTH = 1024;

    private final int code;
    private final byte[] digest;

    private Multihash(int code, byte[] digest) {
        this.code = code;
        this.digest = digest;
    }

    public static Multihash of(int code, byte[] digest) {
        if (code < 0) {
            throw new MultiformatException("negative multihash code " + code);
        }
        if (digest.length > MAX_DIGEST_LENGTH) {
            throw new MultiformatException(
                    "multihash digest of " + digest.length + " bytes exceeds " + MAX_DIGEST_LENGTH);
        }
        int max = maxDigestLength(code);
        if (digest.length > max) {
            throw new MultiformatException("a multihash of code 0x" + Integer.toHexString(code) + " has at most " + max
                    + " digest bytes, not " + digest.length);
        }
        return new Multihash(code, digest.clone());
    }

    public static Multihash identity(byte[] data) {
        return of(IDENTITY, data);
    }

    public static Multihash sha256(byte[] data) {
        return new Multihash(SHA2_256, sha256Digest().digest(data));
    }

    /** The output length of the hash functions we know; others are bounded only by {@link #MAX_DIGEST_LENGTH}. */
    private static int maxDigestLength(int code) {
        return switch (code) {
            case SHA1 -> 20;
            case SHA2_256 -> 32;
            case SHA2_512 -> 64;
            default -> MAX_DIGEST_LENGTH;
        };
    }

    /** A fresh SHA-256 digest; callers that hash a lot keep one per thread. */
    public static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Decodes a multihash that must fill {@code bytes} exactly. */
    public static Multihash decode(byte[] bytes) {
        Decoded d = decodePrefix(bytes, 0);
        if (d.length() != bytes.length) {
            throw new MultiformatException(
                    "multihash has " + (bytes.length - d.length()) + " trailing bytes after its digest");
        }
        return d.multihash();
    }

    /** A multihash decoded from the front of a longer buffer, and the bytes it used. */
    public record Decoded(Multihash multihash, int length) {}

    /** Decodes the multihash that starts at {@code offset}; bytes after it are left to the caller. */
    public static Decoded decodePrefix(byte[] bytes, int offset) {
        Varint.Decoded code = varint(bytes, offset, "code");
        if (code.value() > Integer.MAX_VALUE) {
            throw new MultiformatException(
                    "multihash code " + code.value() + " at byte " + offset + " is out of range");
        }
        int lengthOffset = offset + code.length();
        Varint.Decoded length = varint(bytes, lengthOffset, "digest length");
        if (length.value() > MAX_DIGEST_LENGTH) {
            throw new MultiformatException("multihash digest length " + length.value() + " at byte " + lengthOffset
                    + " exceeds " + MAX_DIGEST_LENGTH);
        }
        int start = lengthOffset + length.length();
        int len = (int) length.value();
        if (len > bytes.length - start) {
            throw new MultiformatException("multihash declares a " + len + "-byte digest at byte " + start
                    + " but only " + (bytes.length - start) + " bytes follow");
        }
        Multihash mh = of((int) code.value(), Arrays.copyOfRange(bytes, start, start + len));
        return new Decoded(mh, start + len - offset);
    }

    private static Varint.Decoded varint(byte[] bytes, int offset, String field) {
        try {
            return Varint.decode(bytes, offset);
        } catch (MultiformatException e) {
            throw new MultiformatException("multihash " + field + " at byte " + offset + ": " + e.getMessage(), e);
        }
    }

    public int code() {
        return code;
    }

    public byte[] digest() {
        return digest.clone();
    }

    public int digestLength() {
        return digest.length;
    }

    /** The binary form, {@code <code><length><digest>}. */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(digest.length + 2 * Varint.MAX_BYTES);
        out.writeBytes(Varint.encode(code));
        out.writeBytes(Varint.encode(digest.length));
        out.writeBytes(digest);
        return out.toByteArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multihash other && code == other.code && Arrays.equals(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return 31 * code + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "Multihash[0x" + Integer.toHexString(code) + ":" + HexFormat.of().formatHex(digest) + "]";
    }
}
