package io.servent.p2p.api;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A content identifier: CIDv0 (a bare base58 SHA-256 multihash of dag-pb) or CIDv1
 * ({@code <version><codec><multihash>} in a multibase). Immutable and thread-safe.
 *
 * @see <a href="https://github.com/multiformats/cid">cid</a>
 */
public final class Cid {
    public static final int RAW = 0x55;
    public static final int DAG_PB = 0x70;
    public static final int DAG_CBOR = 0x71;

    private static final int MAX_TEXT_LENGTH = 2048;

    private final int version;
    private final long codec;
    private final Multihash multihash;

    private Cid(int version, long codec, Multihash multihash) {
        this.version = version;
        this.codec = codec;
        this.multihash = multihash;
    }

    public static Cid v0(Multihash multihash) {
        if (multihash.code() != Multihash.SHA2_256) {
            throw new MultiformatException("CIDv0 requires a sha2-256 multihash");
        }
        return new Cid(0, DAG_PB, multihash);
    }

    public static Cid v1(long codec, Multihash multihash) {
        if (codec < 0) {
            throw new MultiformatException("negative codec " + codec);
        }
        return new Cid(1, codec, multihash);
    }

    public static Cid parse(String text) {
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new MultiformatException("CID text of " + text.length() + " characters exceeds " + MAX_TEXT_LENGTH);
        }
        if (text.length() == 46 && text.startsWith("Qm")) {
            return v0(Multihash.decode(Base58.decode(text)));
        }
        if (text.isEmpty()) {
            throw new MultiformatException("empty CID");
        }
        Cid cid = fromBytes(Multibase.decode(text));
        if (cid.version == 0) {
            throw new MultiformatException("CIDv0 must be written in bare base58btc, not a multibase");
        }
        return cid;
    }

    public static Cid fromBytes(byte[] bytes) {
        if (bytes.length == 34 && bytes[0] == Multihash.SHA2_256 && bytes[1] == 32) {
            return v0(Multihash.decode(bytes));
        }
        Varint.Decoded version = Varint.decode(bytes, 0);
        if (version.value() != 1) {
            throw new MultiformatException("unsupported CID version " + version.value());
        }
        Varint.Decoded codec = Varint.decode(bytes, version.length());
        int offset = version.length() + codec.length();
        Multihash.Decoded mh = Multihash.decodePrefix(bytes, offset);
        if (offset + mh.length() != bytes.length) {
            throw new MultiformatException("CID has " + (bytes.length - offset - mh.length()) + " trailing bytes");
        }
        return v1(codec.value(), mh.multihash());
    }

    public int version() {
        return version;
    }

    public long codec() {
        return codec;
    }

    public Multihash multihash() {
        return multihash;
    }

    public byte[] bytes() {
        if (version == 0) {
            return multihash.bytes();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Varint.encode(1));
        out.writeBytes(Varint.encode(codec));
        out.writeBytes(multihash.bytes());
        return out.toByteArray();
    }

    /** CIDv0 in base58btc, CIDv1 in base32 (the spec's default), or base36 for libp2p keys as IPNS does. */
    @Override
    public String toString() {
        return version == 0 ? Base58.encode(bytes()) : Multibase.BASE32.encode(bytes());
    }

    public String toString(Multibase base) {
        if (version == 0) {
            throw new IllegalStateException("CIDv0 has only the base58btc form");
        }
        return base.encode(bytes());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cid other && version == other.version && Arrays.equals(bytes(), other.bytes());
    }

    @Override
    public int hashCode() {
        return multihash.hashCode() * 31 + Long.hashCode(codec) + version;
    }
}
