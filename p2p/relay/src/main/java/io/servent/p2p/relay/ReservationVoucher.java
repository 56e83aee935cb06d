package io.servent.p2p.relay;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.relay.proto.CircuitProto;
import java.time.Instant;

/**
 * A relay's signed statement that it will relay for {@code peer} until {@code expiration}: a
 * {@link SignedEnvelope} with domain {@code libp2p-relay-rsvp} and payload type 0x0302. The spec
 * calls vouchers advisory; servent relays issue them (as go-libp2p and js-libp2p do) and servent
 * clients verify one when present. Immutable.
 */
record ReservationVoucher(PeerId relay, PeerId peer, Instant expiration) {
    static final String DOMAIN = "libp2p-relay-rsvp";

    /** The multicodec {@code libp2p-relay-rsvp} (0x0302) as an unsigned varint. */
    static final byte[] PAYLOAD_TYPE = {0x03, 0x02};

    /** The envelope bytes, signed with the relay host's identity. */
    byte[] seal(Host relayHost) {
        if (!relayHost.peerId().equals(relay)) {
            throw new IllegalArgumentException("only the relay itself signs its vouchers");
        }
        byte[] payload = CircuitProto.ReservationVoucher.newBuilder()
                .setRelay(ByteString.copyFrom(relay.bytes()))
                .setPeer(ByteString.copyFrom(peer.bytes()))
                .setExpiration(expiration.getEpochSecond())
                .build()
                .toByteArray();
        return SignedEnvelope.seal(DOMAIN, PAYLOAD_TYPE, payload, relayHost.publicKey(), relayHost::sign)
                .toBytes();
    }

    /**
     * Opens a voucher and checks that the relay signed it and that it names {@code relay} and {@code peer}.
     *
     * @throws ProtocolViolationException if any of that fails
     */
    static ReservationVoucher open(byte[] envelopeBytes, PeerId relay, PeerId peer) throws ProtocolViolationException {
        SignedEnvelope envelope = SignedEnvelope.open(envelopeBytes, DOMAIN, PAYLOAD_TYPE);
        if (!relay.matches(envelope.publicKey())) {
            throw new ProtocolViolationException(
                    "reservation voucher is signed by " + envelope.publicKey().peerId() + ", not the relay " + relay);
        }
        CircuitProto.ReservationVoucher payload;
        try {
            payload = CircuitProto.ReservationVoucher.parseFrom(envelope.payload());
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolViolationException("malformed reservation voucher: " + e.getMessage(), e);
        }
        ReservationVoucher voucher;
        try {
            voucher = new ReservationVoucher(
                    PeerId.fromBytes(payload.getRelay().toByteArray()),
                    PeerId.fromBytes(payload.getPeer().toByteArray()),
                    Instant.ofEpochSecond(Math.max(0, payload.getExpiration())));
        } catch (MultiformatException e) {
            throw new ProtocolViolationException("reservation voucher names a bad peer id: " + e.getMessage(), e);
        }
        if (!voucher.relay().equals(relay) || !voucher.peer().equals(peer)) {
            throw new ProtocolViolationException("reservation voucher is for " + voucher.peer() + " at "
                    + voucher.relay() + ", not for " + peer + " at " + relay);
        }
        return voucher;
    }
}
