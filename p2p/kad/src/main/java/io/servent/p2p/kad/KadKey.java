package io.servent.p2p.kad;

import io.servent.p2p.api.Multihash;
import io.servent.p2p.api.PeerId;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A point in the Kademlia key space: the SHA-256 of a key's bytes (a PeerId's binary form, a
 * multihash, a record key), held as four longs so that XOR distances compare without allocating.
 * Immutable and thread-safe.
 */
public final class KadKey {
    /** Bits in a key; also the number of possible common-prefix lengths plus one. */
    public static final int BITS = 256;

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Multihash::sha256Digest);

    private final long w0;
    private final long w1;
    private final long w2;
    private final long w3;

    private KadKey(long w0, long w1, long w2, long w3) {
        this.w0 = w0;
        this.w1 = w1;
        this.w2 = w2;
        this.w3 = w3;
    }

    /** The key of arbitrary bytes: SHA-256 of them, as the spec defines distance. */
    public static KadKey of(byte[] bytes) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return fromDigest(digest.digest(bytes));
    }

    public static KadKey of(PeerId peer) {
        return of(peer.bytes());
    }

    /** A key from 32 bytes that already are a point in the key space (a digest), not hashed again. */
    static KadKey fromDigest(byte[] digest) {
        if (digest.length != 32) {
            throw new IllegalArgumentException("a key-space point has 32 bytes, not " + digest.length);
        }
        ByteBuffer b = ByteBuffer.wrap(digest);
        return new KadKey(b.getLong(), b.getLong(), b.getLong(), b.getLong());
    }

    /**
     * The number of leading bits this key shares with {@code other}: 256 for equal keys. Peers with
     * common-prefix length {@code i} to the local key belong in bucket {@code i}.
     */
    public int commonPrefixLength(KadKey other) {
        long x = w0 ^ other.w0;
        if (x != 0) {
            return Long.numberOfLeadingZeros(x);
        }
        x = w1 ^ other.w1;
        if (x != 0) {
            return 64 + Long.numberOfLeadingZeros(x);
        }
        x = w2 ^ other.w2;
        if (x != 0) {
            return 128 + Long.numberOfLeadingZeros(x);
        }
        x = w3 ^ other.w3;
        return x != 0 ? 192 + Long.numberOfLeadingZeros(x) : BITS;
    }

    /**
     * Compares the XOR distances of {@code a} and {@code b} to this key: negative if {@code a} is
     * closer, zero if they are the same key.
     */
    public int compareDistance(KadKey a, KadKey b) {
        int c = Long.compareUnsigned(a.w0 ^ w0, b.w0 ^ w0);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(a.w1 ^ w1, b.w1 ^ w1);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(a.w2 ^ w2, b.w2 ^ w2);
        return c != 0 ? c : Long.compareUnsigned(a.w3 ^ w3, b.w3 ^ w3);
    }

    /** The XOR distance to {@code other} as 32 big-endian bytes. */
    public byte[] distance(KadKey other) {
        return ByteBuffer.allocate(32)
                .putLong(w0 ^ other.w0)
                .putLong(w1 ^ other.w1)
                .putLong(w2 ^ other.w2)
                .putLong(w3 ^ other.w3)
                .array();
    }

    /** The XOR distance to {@code other} as a fraction of the key space, in [0, 1). For estimates only. */
    double normalizedDistance(KadKey other) {
        return unsigned(w0 ^ other.w0) * 0x1p-64 + unsigned(w1 ^ other.w1) * 0x1p-128;
    }

    private static double unsigned(long v) {
        double d = (double) (v >>> 1) * 2.0;
        return d + (v & 1);
    }

    /** Bit {@code index} (0 = most significant). */
    boolean bit(int index) {
        long word =
                switch (index >>> 6) {
                    case 0 -> w0;
                    case 1 -> w1;
                    case 2 -> w2;
                    default -> w3;
                };
        return ((word >>> (63 - (index & 63))) & 1) != 0;
    }

    public byte[] bytes() {
        return ByteBuffer.allocate(32)
                .putLong(w0)
                .putLong(w1)
                .putLong(w2)
                .putLong(w3)
                .array();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadKey k && w0 == k.w0 && w1 == k.w1 && w2 == k.w2 && w3 == k.w3;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(w0 ^ w1 ^ w2 ^ w3);
    }

    @Override
    public String toString() {
        return "KadKey[" + HexFormat.of().formatHex(bytes(), 0, 6) + "…]";
    }
}
