package io.servent.p2p.api;

import java.io.ByteArrayOutputStream;

/**
 * A content identifier: CIDv0 (a bare base58btc sha2-256 multihash of dag-pb) or CIDv1
 * ({@code <version><codec><multihash>} in a multibase). Immutable and thread-safe.
 *
 * @see <a href="https://github.com/multiformats/cid">cid</a>
 */
public final class Cid {
    public static final int RAW = 0x55;
    public static final int DAG_PB = 0x70;
    public static final int DAG_CBOR = 0x71;

    private static final int MAX_TEXT_LENGTH = 2048;
    private static final int CIDV0_LENGTH = 34;
    private static final int CIDV0_TEXT_LENGTH = 46;

    private final int version;
    private final long codec;
    private final Multihash multihash;

    private Cid(int version, long codec, Multihash multihash) {
        this.version = version;
        this.codec = codec;
        this.multihash = multihash;
    }

    /** A CIDv0: dag-pb content named by a full-length sha2-256 multihash. */
    public static Cid v0(Multihash multihash) {
        if (multihash.code() != Multihash.SHA2_256 || multihash.digestLength() != 32) {
            throw new MultiformatException("CIDv0 requires a 32-byte sha2-256 multihash, not code 0x"
                    + Integer.toHexString(multihash.code()) + " with " + multihash.digestLength() + " bytes");
        }
        return new Cid(0, DAG_PB, multihash);
    }

    public static Cid v1(long codec, Multihash multihash) {
        if (codec < 0) {
            throw new MultiformatException("negative codec " + codec);
        }
        return new Cid(1, codec, multihash);
    }

    /**
     * Parses the text form by the spec's decoding algorithm: 46 characters starting with {@code Qm}
     * is a base58btc CIDv0, anything else a multibase CIDv1.
     */
    public static Cid parse(String text) {
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new MultiformatException("CID text of " + text.length() + " characters exceeds " + MAX_TEXT_LENGTH);
        }
        if (text.isEmpty()) {
            throw new MultiformatException("empty CID");
        }
        if (text.length() == CIDV0_TEXT_LENGTH && text.startsWith("Qm")) {
            return v0(Multihash.decode(Base58.decode(text)));
        }
        byte[] bytes = Multibase.decode(text);
        if (bytes.length > 0 && bytes[0] == Multihash.SHA2_256) {
            // The spec forbids this so that no CIDv18 can be confused with a multibase CIDv0.
            throw new MultiformatException(
                    "a multibase CID must not start with byte 0x12: CIDv0 is written only" + " in bare base58btc");
        }
        return fromBytes(bytes);
    }

    /** Parses the binary form: a 34-byte sha2-256 multihash is CIDv0, anything else must be CIDv1. */
    public static Cid fromBytes(byte[] bytes) {
        if (bytes.length == 0) {
            throw new MultiformatException("empty CID");
        }
        if (bytes.length == CIDV0_LENGTH && bytes[0] == Multihash.SHA2_256 && bytes[1] == 32) {
            return v0(Multihash.decode(bytes));
        }
        if (bytes[0] == Multihash.SHA2_256) {
            throw new MultiformatException("a CID starting with 0x12 is a CIDv0 and must be exactly 34 bytes,"
                    + " 0x12 0x20 and a 32-byte sha2-256 digest; got " + bytes.length + " bytes");
        }
        Varint.Decoded version = varint(bytes, 0, "version");
        if (version.value() != 1) {
            throw new MultiformatException(
                    version.value() == 2 || version.value() == 3
                            ? "CID version " + version.value() + " is reserved"
                            : "malformed CID: version " + version.value() + " is neither 0 nor 1");
        }
        Varint.Decoded codec = varint(bytes, version.length(), "codec");
        int offset = version.length() + codec.length();
        Multihash.Decoded mh = Multihash.decodePrefix(bytes, offset);
        int end = offset + mh.length();
        if (end != bytes.length) {
            throw new MultiformatException(
                    "CID has " + (bytes.length - end) + " trailing bytes after its multihash at byte " + end);
        }
        return v1(codec.value(), mh.multihash());
    }

    private static Varint.Decoded varint(byte[] bytes, int offset, String field) {
        try {
            return Varint.decode(bytes, offset);
        } catch (MultiformatException e) {
            throw new MultiformatException("CID " + field + " at byte " + offset + ": " + e.getMessage(), e);
        }
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

    /** This CID as CIDv1 with the same codec and multihash (itself if it is one already). */
    public Cid toV1() {
        return version == 1 ? this : new Cid(1, codec, multihash);
    }

    /** The binary form: the bare multihash for CIDv0, {@code <1><codec><multihash>} for CIDv1. */
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

    /**
     * CIDv0 in bare base58btc ({@code Qm…}); CIDv1 in base32 ({@code b…}), the spec's default for
     * every codec, libp2p keys included. {@link #toString(Multibase)} gives other bases, e.g.
     * base36 ({@code k51…}) as IPNS names use.
     */
    @Override
    public String toString() {
        return version == 0 ? Base58.encode(bytes()) : Multibase.BASE32.encode(bytes());
    }

    /**
     * CIDv1 in the given base.
     *
     * @throws IllegalStateException for CIDv0, which has only the bare base58btc form; use {@link
     *     #toV1()} first
     */
    public String toString(Multibase base) {
        if (version == 0) {
            throw new IllegalStateException("CIDv0 has only the bare base58btc form; convert it with toV1()");
        }
        return base.encode(bytes());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cid other
                && version == other.version
                && codec == other.codec
                && multihash.equals(other.multihash);
    }

    @Override
    public int hashCode() {
        return multihash.hashCode() * 31 + Long.hashCode(codec) + version;
    }
}
