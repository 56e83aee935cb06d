package io.servent.p2p.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.servent.p2p.api.proto.CryptoProto;

/**
 * A peer's public key. servent creates Ed25519 keys; other key types are recognised on the wire
 * and rejected with a clear message until they are needed.
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
        return CryptoProto.PublicKey.newBuilder()
                .setType(CryptoProto.KeyType.forNumber(type().number()))
                .setData(ByteString.copyFrom(raw()))
                .build()
                .toByteArray();
    }

    default PeerId peerId() {
        return PeerId.fromPublicKey(this);
    }

    /** Parses the libp2p key protobuf. */
    static PublicKey unmarshal(byte[] encoded) {
        if (encoded.length > MAX_ENCODED_LENGTH) {
            throw new MultiformatException(
                    "public key protobuf of " + encoded.length + " bytes exceeds " + MAX_ENCODED_LENGTH);
        }
        CryptoProto.PublicKey proto;
        try {
            proto = CryptoProto.PublicKey.parseFrom(encoded);
        } catch (InvalidProtocolBufferException e) {
            throw new MultiformatException("malformed public key protobuf: " + e.getMessage(), e);
        }
        return switch (proto.getType()) {
            case Ed25519 -> Ed25519PublicKey.fromRaw(proto.getData().toByteArray());
            default -> throw new MultiformatException("unsupported public key type " + proto.getType());
        };
    }
}
