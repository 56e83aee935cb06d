package io.servent.p2p.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.servent.p2p.api.proto.CryptoProto;

/**
 * A host's private key. Immutable and thread-safe.
 */
public sealed interface PrivateKey permits Ed25519PrivateKey {
    int MAX_ENCODED_LENGTH = 4096;

    KeyType type();

    PublicKey publicKey();

    byte[] sign(byte[] data);

    /** The key's own bytes in the libp2p encoding (for Ed25519: seed followed by public key). */
    byte[] raw();

    /** The libp2p private key protobuf. */
    default byte[] marshal() {
        return CryptoProto.PrivateKey.newBuilder()
                .setType(CryptoProto.KeyType.forNumber(type().number()))
                .setData(ByteString.copyFrom(raw()))
                .build()
                .toByteArray();
    }

    static PrivateKey unmarshal(byte[] encoded) {
        if (encoded.length > MAX_ENCODED_LENGTH) {
            throw new MultiformatException(
                    "private key protobuf of " + encoded.length + " bytes exceeds " + MAX_ENCODED_LENGTH);
        }
        CryptoProto.PrivateKey proto;
        try {
            proto = CryptoProto.PrivateKey.parseFrom(encoded);
        } catch (InvalidProtocolBufferException e) {
            throw new MultiformatException("malformed private key protobuf: " + e.getMessage(), e);
        }
        return switch (proto.getType()) {
            case Ed25519 -> Ed25519PrivateKey.fromRaw(proto.getData().toByteArray());
            default -> throw new MultiformatException("unsupported private key type " + proto.getType());
        };
    }
}
