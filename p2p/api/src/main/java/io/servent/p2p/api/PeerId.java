package io.servent.p2p.api;

import java.util.Arrays;
import java.util.Optional;

/**
 * A peer's identity: the multihash of its public key protobuf (inlined with the identity hash when
 * the protobuf is at most 42 bytes, as for Ed25519, else SHA-256). Immutable and thread-safe.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md">peer-ids</a>
 */
public final class PeerId implements Comparable<PeerId> {
    /** The multicodec of libp2p public keys, used when a PeerId is written as a CID. */
    public static final int LIBP2P_KEY_CODEC = 0x72;

    private static final int MAX_INLINE_KEY_LENGTH = 42;
    private static final int MAX_BYTES = 128;

    private final Multihash multihash;
    private final byte[] bytes;
    private final String text;

    private PeerId(Multihash multihash) {
        if (multihash.code() != Multihash.IDENTITY && multihash.code() != Multihash.SHA2_256) {
            throw new MultiformatException("PeerIds use identity or sha2-256 multihashes, not code 0x"
                    + Integer.toHexString(multihash.code()));
        }
        this.multihash = multihash;
        this.bytes = multihash.bytes();
        this.text = Base58.encode(bytes);
    }

    public static PeerId fromPublicKey(PublicKey key) {
        byte[] encoded = key.marshal();
        return new PeerId(
                encoded.length <= MAX_INLINE_KEY_LENGTH ? Multihash.identity(encoded) : Multihash.sha256(encoded));
    }

    /** From the binary form (a multihash), as carried in multiaddrs and protobufs. */
    public static PeerId fromBytes(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new MultiformatException("PeerId of " + bytes.length + " bytes exceeds " + MAX_BYTES);
        }
        PeerId id = new PeerId(Multihash.decode(bytes));
        if (id.multihash.code() == Multihash.IDENTITY) {
            // An inlined key must be a key we can parse, or the id proves nothing.
            PublicKey.unmarshal(id.multihash.digest());
        }
        return id;
    }

    /** Parses the base58btc form ({@code 12D3KooW…}, {@code Qm…}) or a CIDv1 with the libp2p-key codec. */
    public static PeerId parse(String text) {
        if (text.isEmpty()) {
            throw new MultiformatException("empty PeerId");
        }
        if (text.length() > 2 * MAX_BYTES) {
            throw new MultiformatException("PeerId text of " + text.length() + " characters is too long");
        }
        char first = text.charAt(0);
        if (first == '1' || first == 'Q') {
            return fromBytes(Base58.decode(text));
        }
        Cid cid;
        try {
            cid = Cid.parse(text);
        } catch (MultiformatException e) {
            throw new MultiformatException("not a PeerId: '" + text + "' (" + e.getMessage() + ")", e);
        }
        if (cid.version() != 1 || cid.codec() != LIBP2P_KEY_CODEC) {
            throw new MultiformatException("CID " + text + " is not a libp2p-key CID, so not a PeerId");
        }
        return fromBytes(cid.multihash().bytes());
    }

    public static PeerId random() {
        return fromPublicKey(Ed25519PrivateKey.generate().publicKey());
    }

    public Multihash multihash() {
        return multihash;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** The public key, when the id inlines it (Ed25519 ids always do). */
    public Optional<PublicKey> publicKey() {
        if (multihash.code() != Multihash.IDENTITY) {
            return Optional.empty();
        }
        return Optional.of(PublicKey.unmarshal(multihash.digest()));
    }

    /** Whether {@code key} is the key this id names. */
    public boolean matches(PublicKey key) {
        return equals(fromPublicKey(key));
    }

    public Cid toCid() {
        return Cid.v1(LIBP2P_KEY_CODEC, multihash);
    }

    /** A short form for logs: the last six characters. */
    public String shortString() {
        return "…" + text.substring(Math.max(0, text.length() - 6));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(PeerId other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return text;
    }
}
