package io.servent.p2p.api;

/** A host's private key. Implementations are immutable and thread-safe. */
public sealed interface PrivateKey permits Ed25519PrivateKey {
    int MAX_ENCODED_LENGTH = 4096;

    KeyType type();

    PublicKey publicKey();

    byte[] sign(byte[] data);

    /** The key's own bytes in the libp2p encoding (for Ed25519: seed followed by public key). */
    byte[] raw();

    /** The libp2p private key protobuf. */
    default byte[] marshal() {
        return KeyProtobuf.encode(type(), raw());
    }

    /**
     * Parses the libp2p private key protobuf as key files store it. For Ed25519 the data is the seed
     * and public key (64 bytes) or the legacy seed, public key, public key (96 bytes); the public
     * key must match the seed.
     *
     * @throws MultiformatException if the protobuf is malformed or not canonical, names a key type
     *     servent does not support, or holds an invalid key
     */
    static PrivateKey unmarshal(byte[] encoded) {
        KeyProtobuf.Decoded decoded = KeyProtobuf.decode(encoded, MAX_ENCODED_LENGTH, "private key");
        return switch (decoded.type()) {
            case ED25519 -> Ed25519PrivateKey.fromProtobufData(decoded.data());
            case RSA, SECP256K1, ECDSA ->
                throw new MultiformatException("unsupported key type "
                        + decoded.type().specName() + ": servent supports only Ed25519 private keys");
        };
    }
}
