package io.servent.p2p.api;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A self-describing hash: {@code <varint code><varint length><digest>}.
 *
 * @see <a href="https://github.com/multiformats/multihash">multihash</a>
 */
public final class Multihash {
    public static final int IDENTITY = 0x00;
    public static final int SHA2_256 = 0x12;

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
        if (code == SHA2_256 && digest.length != 32) {
            throw new MultiformatException("sha2-256 digests are 32 bytes, not " + digest.length);
        }
        return new Multihash(code, digest.clone());
    }

    public static Multihash identity(byte[] data) {
        return of(IDENTITY, data);
    }

    public static Multihash sha256(byte[] data) {
        return new Multihash(SHA2_256, sha256Digest().digest(data));
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

    public static Decoded decodePrefix(byte[] bytes, int offset) {
        Varint.Decoded code = Varint.decode(bytes, offset);
        if (code.value() > Integer.MAX_VALUE) {
            throw new MultiformatException("multihash code " + code.value() + " is out of range");
        }
        Varint.Decoded length = Varint.decode(bytes, offset + code.length());
        if (length.value() > MAX_DIGEST_LENGTH) {
            throw new MultiformatException(
                    "multihash digest length " + length.value() + " exceeds " + MAX_DIGEST_LENGTH);
        }
        int start = offset + code.length() + length.length();
        int len = (int) length.value();
        if (start + len > bytes.length) {
            throw new MultiformatException("multihash declares a " + len + "-byte digest but only "
                    + (bytes.length - start) + " bytes follow");
        }
        Multihash mh = of((int) code.value(), Arrays.copyOfRange(bytes, start, start + len));
        return new Decoded(mh, start + len - offset);
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

    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(digest.length + 4);
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
