package io.servent.p2p.api;

import java.util.Arrays;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A peer's identity: the multihash of its public key protobuf, inlined with the identity hash when
 * the protobuf is at most 42 bytes (Ed25519, Secp256k1) and hashed with SHA-256 when longer (RSA,
 * ECDSA). Any of the spec's key types makes a valid PeerId, so addresses and records of every peer
 * parse; only Ed25519 ids yield a {@link #publicKey()}. Immutable and thread-safe.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md">peer-ids</a>
 */
public final class PeerId implements Comparable<PeerId> {
    /** The multicodec of libp2p public keys, used when a PeerId is written as a CID. */
    public static final int LIBP2P_KEY_CODEC = 0x72;

    private static final int MAX_INLINE_KEY_LENGTH = 42;
    private static final int SHA256_LENGTH = 32;
    /** Real PeerIds are at most 44 bytes; this looser bound lets the checks below say what is wrong. */
    private static final int MAX_BYTES = 128;

    private static final int MAX_TEXT_LENGTH = 128;

    private final Multihash multihash;
    private final byte[] bytes;
    /**
     * The base58 form, computed on first use: most PeerIds (DHT lookups, routing tables) are never
     * printed. A racy but benign cache, like {@link String#hashCode()}: every thread computes the same value.
     */
    private @Nullable String text;

    /** The inlined key, parsed once: null for sha2-256 ids and for key types servent cannot verify. */
    private final @Nullable PublicKey inlinedKey;

    private PeerId(Multihash multihash, @Nullable PublicKey inlinedKey) {
        this.multihash = multihash;
        this.bytes = multihash.bytes();
        this.inlinedKey = inlinedKey;
    }

    public static PeerId fromPublicKey(PublicKey key) {
        byte[] encoded = key.marshal();
        return encoded.length <= MAX_INLINE_KEY_LENGTH
                ? new PeerId(Multihash.identity(encoded), key)
                : new PeerId(Multihash.sha256(encoded), null);
    }

    /**
     * From the binary form (a multihash), as carried in multiaddrs and protobufs: a 32-byte sha2-256
     * digest, or an identity multihash inlining a canonical key protobuf of at most 42 bytes (an
     * inlined Ed25519 key must be a valid point).
     */
    public static PeerId fromBytes(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new MultiformatException("PeerId of " + bytes.length + " bytes exceeds " + MAX_BYTES);
        }
        Multihash mh = Multihash.decode(bytes);
        return switch (mh.code()) {
            case Multihash.SHA2_256 -> {
                if (mh.digestLength() != SHA256_LENGTH) {
                    throw new MultiformatException(
                            "sha2-256 PeerIds have a 32-byte digest, not " + mh.digestLength() + " bytes");
                }
                yield new PeerId(mh, null);
            }
            case Multihash.IDENTITY -> new PeerId(mh, inlinedKey(mh.digest()));
            default ->
                throw new MultiformatException(
                        "PeerIds use identity or sha2-256 multihashes, not code 0x" + Integer.toHexString(mh.code()));
        };
    }

    /**
     * An inlined key must be one the spec allows inlining, canonically encoded, and if servent can
     * check it, a valid key. Returns it if servent supports its type.
     */
    private static @Nullable PublicKey inlinedKey(byte[] encoded) {
        if (encoded.length > MAX_INLINE_KEY_LENGTH) {
            throw new MultiformatException("identity PeerIds inline keys of at most " + MAX_INLINE_KEY_LENGTH
                    + " bytes; longer keys must be hashed with sha2-256, got " + encoded.length + " bytes");
        }
        KeyProtobuf.Decoded key = KeyProtobuf.decode(encoded, MAX_INLINE_KEY_LENGTH, "inlined public key");
        return key.type() == KeyType.ED25519 ? Ed25519PublicKey.fromRaw(key.data()) : null;
    }

    /**
     * Parses the text forms the spec defines: a bare base58btc multihash ({@code 12D3KooW…}, {@code
     * Qm…}) or a CIDv1 with the libp2p-key codec in any multibase ({@code bafz…}, {@code k51…}).
     */
    public static PeerId parse(String text) {
        if (text.isEmpty()) {
            throw new MultiformatException("empty PeerId");
        }
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new MultiformatException(
                    "PeerId text of " + text.length() + " characters exceeds " + MAX_TEXT_LENGTH);
        }
        try {
            if (text.startsWith("1") || text.startsWith("Qm")) {
                return fromBytes(Base58.decode(text));
            }
            Cid cid = Cid.parse(text);
            if (cid.version() != 1 || cid.codec() != LIBP2P_KEY_CODEC) {
                throw new MultiformatException("it is a CIDv" + cid.version() + " with codec 0x"
                        + Long.toHexString(cid.codec()) + ", not a libp2p-key (0x72) CIDv1");
            }
            return fromBytes(cid.multihash().bytes());
        } catch (MultiformatException e) {
            throw new MultiformatException("not a PeerId: '" + text + "': " + e.getMessage(), e);
        }
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

    /**
     * The public key, when the id inlines one servent supports (Ed25519 ids always do). Empty for
     * sha2-256 ids (RSA, ECDSA: the key must come from the peer) and for inlined Secp256k1 keys.
     */
    public Optional<PublicKey> publicKey() {
        return Optional.ofNullable(inlinedKey);
    }

    /** Whether {@code key} is the key this id names. */
    public boolean matches(PublicKey key) {
        return equals(fromPublicKey(key));
    }

    /**
     * The CIDv1 form (libp2p-key codec). Its {@code toString()} is base32 ({@code bafz…}), the
     * spec's default; {@code toCid().toString(Multibase.BASE36)} gives the {@code k51…} form.
     */
    public Cid toCid() {
        return Cid.v1(LIBP2P_KEY_CODEC, multihash);
    }

    /** A short form for logs: the last six characters. */
    public String shortString() {
        String full = toString();
        return "…" + full.substring(Math.max(0, full.length() - 6));
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

    /** The legacy base58btc form ({@code 12D3KooW…}, {@code Qm…}), which the spec says to display. */
    @Override
    public String toString() {
        String cached = text;
        if (cached == null) {
            cached = Base58.encode(bytes);
            text = cached;
        }
        return cached;
    }
}
