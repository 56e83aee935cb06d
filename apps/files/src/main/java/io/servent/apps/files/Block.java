package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Multihash;
import java.security.MessageDigest;

/**
 * A block whose bytes are known to hash to its CID: the only way to make one is to verify it (or to
 * hash the bytes). Every block servent stores, uses or serves passes through here.
 *
 * <p>Immutable by contract: the block owns {@link #data()} (not copied, since blocks are up to
 * {@link UnixFs#MAX_BLOCK_SIZE} and copies add up); callers must not modify it. Thread-safe.
 */
public final class Block {
    private final Cid cid;
    private final byte[] data;

    private Block(Cid cid, byte[] data) {
        this.cid = cid;
        this.data = data;
    }

    /**
     * Verifies {@code data} against {@code cid} and wraps it.
     *
     * @throws BlockVerificationException if the block is larger than {@link UnixFs#MAX_BLOCK_SIZE},
     *     the CID's hash is not a full sha2-256, or the digest differs
     */
    public static Block verify(Cid cid, byte[] data) throws BlockVerificationException {
        checkHash(cid);
        if (data.length > UnixFs.MAX_BLOCK_SIZE) {
            throw new BlockVerificationException(
                    "block " + cid + " of " + data.length + " bytes exceeds the limit of " + UnixFs.MAX_BLOCK_SIZE);
        }
        MessageDigest sha = Multihash.sha256Digest();
        sha.update(data);
        if (!MessageDigest.isEqual(sha.digest(), cid.multihash().digest())) {
            throw new BlockVerificationException("block bytes do not hash to " + cid);
        }
        return new Block(cid, data);
    }

    /** Hashes {@code data} into a CIDv1 with the given codec (raw or dag-pb). */
    public static Block of(long codec, byte[] data) {
        if (data.length > UnixFs.MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException(
                    "block of " + data.length + " bytes exceeds the limit of " + UnixFs.MAX_BLOCK_SIZE);
        }
        return new Block(Cid.v1(codec, Multihash.sha256(data)), data);
    }

    /** Trusted construction for the builder, which has just hashed the bytes itself. */
    static Block hashed(Cid cid, byte[] data) {
        return new Block(cid, data);
    }

    /** Only sha2-256 with a full 32-byte digest: what IPFS uses and what the JDK hashes fast. */
    static void checkHash(Cid cid) throws BlockVerificationException {
        Multihash mh = cid.multihash();
        if (mh.code() != Multihash.SHA2_256 || mh.digestLength() != 32) {
            throw new BlockVerificationException("unsupported hash in " + cid + ": servent verifies only full"
                    + " sha2-256 multihashes, not code 0x" + Integer.toHexString(mh.code()) + " with "
                    + mh.digestLength() + " bytes");
        }
    }

    public Cid cid() {
        return cid;
    }

    /** The bytes; owned by the block, do not modify. */
    public byte[] data() {
        return data;
    }

    public int size() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Block other && cid.equals(other.cid);
    }

    @Override
    public int hashCode() {
        return cid.hashCode();
    }

    @Override
    public String toString() {
        return "Block[" + cid + ", " + data.length + " bytes]";
    }
}
