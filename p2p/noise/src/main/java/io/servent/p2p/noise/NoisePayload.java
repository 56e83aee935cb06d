package io.servent.p2p.noise;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PrivateKey;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.PublicKey;
import io.servent.p2p.noise.proto.NoiseProto.NoiseHandshakePayload;
import java.nio.charset.StandardCharsets;

/**
 * The libp2p {@code NoiseHandshakePayload}: the identity key and its signature over
 * {@code "noise-libp2p-static-key:" || static X25519 public key}, which binds the Noise static key to
 * the libp2p identity. Extensions (field 4) are accepted and ignored; none are sent. Stateless.
 */
final class NoisePayload {
    static final byte[] SIGNATURE_PREFIX = "noise-libp2p-static-key:".getBytes(StandardCharsets.US_ASCII);

    private NoisePayload() {}

    /** The payload proving that {@code identity} owns {@code staticPublicKey}. */
    static byte[] create(PrivateKey identity, byte[] staticPublicKey) {
        return NoiseHandshakePayload.newBuilder()
                .setIdentityKey(ByteString.copyFrom(identity.publicKey().marshal()))
                .setIdentitySig(ByteString.copyFrom(identity.sign(signedData(staticPublicKey))))
                .build()
                .toByteArray();
    }

    /**
     * Parses a peer's payload and checks that its identity key signed {@code remoteStaticKey}.
     *
     * @return the peer's proven identity key
     */
    static PublicKey verify(byte[] payload, byte[] remoteStaticKey) throws ProtocolViolationException {
        NoiseHandshakePayload message;
        try {
            message = NoiseHandshakePayload.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolViolationException("malformed noise handshake payload: " + e.getMessage(), e);
        }
        if (!message.hasIdentityKey() || message.getIdentityKey().isEmpty()) {
            throw new ProtocolViolationException("noise handshake payload lacks the identity key");
        }
        if (!message.hasIdentitySig() || message.getIdentitySig().isEmpty()) {
            throw new ProtocolViolationException("noise handshake payload lacks the identity signature");
        }
        PublicKey identity;
        try {
            identity = PublicKey.unmarshal(message.getIdentityKey().toByteArray());
        } catch (MultiformatException e) {
            throw new ProtocolViolationException("unusable identity key in the noise handshake: " + e.getMessage(), e);
        }
        if (!identity.verify(
                signedData(remoteStaticKey), message.getIdentitySig().toByteArray())) {
            throw new ProtocolViolationException("the identity signature in the noise handshake does not verify: peer "
                    + identity.peerId() + " did not sign its static key");
        }
        return identity;
    }

    static byte[] signedData(byte[] staticPublicKey) {
        byte[] data = new byte[SIGNATURE_PREFIX.length + staticPublicKey.length];
        System.arraycopy(SIGNATURE_PREFIX, 0, data, 0, SIGNATURE_PREFIX.length);
        System.arraycopy(staticPublicKey, 0, data, SIGNATURE_PREFIX.length, staticPublicKey.length);
        return data;
    }
}
