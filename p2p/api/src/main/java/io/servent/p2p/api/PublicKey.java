package io.servent.p2p.api;

/**
 * A peer's public key. servent creates and verifies Ed25519 keys; the other key types of the spec
 * (RSA, Secp256k1, ECDSA) are recognised on the wire and rejected with an "unsupported key type"
 * message until they are needed.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface PublicKey permits Ed25519PublicKey {
    /** Public keys in the protobuf are small; anything larger is an attack or a bug. */
    int MAX_ENCODED_LENGTH = 1024;

    KeyType type();

    /** The key's own bytes (for Ed25519: the 32-byte point). */
    byte[] raw();

    boolean verify(byte[] data, byte[] signature);

    /** The libp2p key protobuf, deterministically encoded as the peer-ids spec requires. */
    default byte[] marshal() {
        return KeyProtobuf.encode(type(), raw());
    }

    default PeerId peerId() {
        return PeerId.fromPublicKey(this);
    }

    /**
     * Parses the libp2p key protobuf. Only the spec's deterministic encoding is accepted, so the
     * bytes are exactly {@code unmarshal(encoded).marshal()}.
     *
     * @throws MultiformatException if the protobuf is malformed or not canonical, names a key type
     *     servent does not support, or holds an invalid key
     */
    static PublicKey unmarshal(byte[] encoded) {
        KeyProtobuf.Decoded decoded = KeyProtobuf.decode(encoded, MAX_ENCODED_LENGTH, "public key");
        return switch (decoded.type()) {
            case ED25519 -> Ed25519PublicKey.fromRaw(decoded.data());
            case RSA, SECP256K1, ECDSA ->
                throw new MultiformatException("unsupported key type "
                        + decoded.type().specName() + ": servent verifies only Ed25519 public keys");
        };
    }
}
