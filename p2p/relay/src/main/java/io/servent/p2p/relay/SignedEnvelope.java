package io.servent.p2p.relay;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.PublicKey;
import io.servent.p2p.api.Varint;
import io.servent.p2p.relay.proto.EnvelopeProto;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * A libp2p signed envelope (RFC 0002): a payload, its type, the signer's public key and a
 * signature over {@code varint(len(domain)) domain varint(len(type)) type varint(len(payload))
 * payload}. The domain is never on the wire; the reader supplies the one it expects. Immutable.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/RFC/0002-signed-envelopes.md">signed envelopes</a>
 */
record SignedEnvelope(PublicKey publicKey, byte[] payloadType, byte[] payload, byte[] signature) {
    SignedEnvelope {
        payloadType = payloadType.clone();
        payload = payload.clone();
        signature = signature.clone();
    }

    /** Signs {@code payload} with {@code signer} (the key belonging to {@code publicKey}). */
    static SignedEnvelope seal(
            String domain, byte[] payloadType, byte[] payload, PublicKey publicKey, UnaryOperator<byte[]> signer) {
        byte[] signature = signer.apply(signedBytes(domain, payloadType, payload));
        return new SignedEnvelope(publicKey, payloadType, payload, signature);
    }

    /**
     * Parses an envelope and checks its signature for {@code domain} and its payload type.
     *
     * @throws ProtocolViolationException if it is malformed, of another type, or the signature fails
     */
    static SignedEnvelope open(byte[] bytes, String domain, byte[] expectedType) throws ProtocolViolationException {
        EnvelopeProto.Envelope message;
        try {
            message = EnvelopeProto.Envelope.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolViolationException("malformed signed envelope: " + e.getMessage(), e);
        }
        PublicKey key;
        try {
            key = PublicKey.unmarshal(message.getPublicKey().toByteArray());
        } catch (MultiformatException e) {
            throw new ProtocolViolationException("signed envelope carries a bad public key: " + e.getMessage(), e);
        }
        SignedEnvelope envelope = new SignedEnvelope(
                key,
                message.getPayloadType().toByteArray(),
                message.getPayload().toByteArray(),
                message.getSignature().toByteArray());
        if (!Arrays.equals(envelope.payloadType, expectedType)) {
            throw new ProtocolViolationException("signed envelope has payload type "
                    + java.util.HexFormat.of().formatHex(envelope.payloadType) + ", expected "
                    + java.util.HexFormat.of().formatHex(expectedType));
        }
        if (!key.verify(signedBytes(domain, envelope.payloadType, envelope.payload), envelope.signature)) {
            throw new ProtocolViolationException("signed envelope's signature does not verify for domain " + domain);
        }
        return envelope;
    }

    byte[] toBytes() {
        return EnvelopeProto.Envelope.newBuilder()
                .setPublicKey(ByteString.copyFrom(publicKey.marshal()))
                .setPayloadType(ByteString.copyFrom(payloadType))
                .setPayload(ByteString.copyFrom(payload))
                .setSignature(ByteString.copyFrom(signature))
                .build()
                .toByteArray();
    }

    @Override
    public byte[] payloadType() {
        return payloadType.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    private static byte[] signedBytes(String domain, byte[] payloadType, byte[] payload) {
        byte[] domainBytes = domain.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : new byte[][] {domainBytes, payloadType, payload}) {
            out.writeBytes(Varint.encode(part.length));
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedEnvelope other
                && publicKey.equals(other.publicKey)
                && Arrays.equals(payloadType, other.payloadType)
                && Arrays.equals(payload, other.payload)
                && Arrays.equals(signature, other.signature);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "SignedEnvelope[" + publicKey.peerId() + ", " + payload.length + " bytes]";
    }
}
